// add_limit: a Wasql query plugin (Rust) that bounds the size of a SELECT's result: a SELECT without a top-level
// LIMIT gets `\nLIMIT n` appended (config `limit`, default 1000). Build: examples/plugins/build-rust.sh OUTDIR.
//
//   SELECT * FROM t;            ->  SELECT * FROM t
//                                   LIMIT 1000
//   SELECT * FROM t LIMIT 5     ->  unchanged (so the rewritten text, matched against the filters again, stays)
//   SELECT (SELECT x FROM u LIMIT 1) FROM t   ->  gets LIMIT 1000: only a top-level LIMIT counts
//   UPDATE t SET x = 1          ->  unchanged (only SELECT, or WITH ... SELECT, is rewritten)
//
// The text is scanned with SQLite's lexical rules: string literals, quoted identifiers ("x", `x`, [x]), comments,
// parameters (:limit) and anything in parentheses (subqueries, CTE bodies, function arguments, window
// definitions) are skipped. Trailing blanks and semicolons are dropped; trailing comments are kept before the
// LIMIT. Text that is not one complete statement (several statements, an unclosed quote or parenthesis) is left
// alone for SQLite to judge. A bad `limit` (not an integer >= 0) fails the hook.

use wasql_plugin::*;

fn on_query(q: &Query) -> Action {
    let limit: u64 = match q.config_parse("limit", 1000u64) {
        Ok(n) => n,
        Err(v) => {
            q.log(Level::Error, &format!("add_limit: config 'limit' must be an integer >= 0, not '{}'", v));
            return Action::Fail;
        }
    };
    if let Some(text) = add_limit(&q.query(), limit) {
        if let Err(status) = q.set_query(&text) {
            q.log(Level::Error, &format!("add_limit: wasql_set_query failed: {}", status));
            return Action::Fail;
        }
    }
    Action::Continue
}

wasql_plugin!(on_query = on_query);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Word,
    Open,
    Close,
    Semi,
    Comment,
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

fn is_word_start(c: u8) -> bool { c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 }
fn is_word_byte(c: u8) -> bool { c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 }

/// The end of a quoted token starting at `i` and closed by `close` (doubled to escape it; not for `[...]`).
fn skip_quoted(b: &[u8], i: usize, close: u8, doubled: bool) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = j + b.get(j..)?.iter().position(|&c| c == close)?;
        if doubled && b.get(k + 1) == Some(&close) {
            j = k + 2;
        } else {
            return Some(k + 1);
        }
    }
}

/// SQLite tokens (blanks dropped, comments kept). `None` when a string or quoted identifier is not closed; the
/// flag is true when the text ends inside a block comment (SQLite accepts that).
fn tokenize(sql: &str) -> Option<(Vec<Tok>, bool)> {
    let b = sql.as_bytes();
    let mut toks = Vec::new();
    let mut open_comment = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0c => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' { i += 1; }
                Kind::Comment
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                match b[i + 2..].windows(2).position(|w| w == b"*/") {
                    Some(k) => i += 2 + k + 2,
                    None => {
                        i = b.len();
                        open_comment = true;
                    }
                }
                Kind::Comment
            }
            b'\'' | b'"' | b'`' => {
                i = skip_quoted(b, i, c, true)?;
                Kind::Other
            }
            b'[' => {
                i = skip_quoted(b, i, b']', false)?;
                Kind::Other
            }
            b'(' => { i += 1; Kind::Open }
            b')' => { i += 1; Kind::Close }
            b';' => { i += 1; Kind::Semi }
            // parameters: ?1 :name @name $name
            b'?' | b':' | b'@' | b'$' => {
                i += 1;
                while i < b.len() && is_word_byte(b[i]) { i += 1; }
                Kind::Other
            }
            c if is_word_start(c) => {
                while i < b.len() && is_word_byte(b[i]) { i += 1; }
                Kind::Word
            }
            c if c.is_ascii_digit() || c == b'.' => {
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') { i += 1; }
                Kind::Other
            }
            _ => { i += 1; Kind::Other }
        };
        toks.push(Tok { kind, start, end: i });
    }
    Some((toks, open_comment))
}

/// `sql` with `\nLIMIT limit` appended, or `None` when it is to be left alone (not a SELECT, already has a
/// top-level LIMIT, or not one complete statement).
fn add_limit(sql: &str, limit: u64) -> Option<String> {
    let (toks, open_comment) = tokenize(sql)?;
    let code: Vec<Tok> = toks.iter().copied().filter(|t| t.kind != Kind::Comment).collect();
    let last = code.iter().rposition(|t| t.kind != Kind::Semi)?;
    let is = |t: &Tok, w: &str| t.kind == Kind::Word && sql[t.start..t.end].eq_ignore_ascii_case(w);

    // a SELECT, or WITH ... whose main statement (the first top-level verb after the CTEs) is a SELECT
    let with = is(&code[0], "WITH");
    if !with && !is(&code[0], "SELECT") { return None; }
    let mut main_seen = !with;
    let mut depth = 0i32;
    for (i, t) in code.iter().enumerate() {
        match t.kind {
            Kind::Open => depth += 1,
            Kind::Close => {
                depth -= 1;
                if depth < 0 { return None; }
            }
            Kind::Semi if depth == 0 && i < last => return None, // more than one statement
            Kind::Word if depth == 0 => {
                if is(t, "LIMIT") { return None; }
                if !main_seen && ["SELECT", "INSERT", "REPLACE", "UPDATE", "DELETE", "VALUES"].iter().any(|w| is(t, w)) {
                    if !is(t, "SELECT") { return None; }
                    main_seen = true;
                }
            }
            _ => {}
        }
    }
    if depth != 0 || !main_seen { return None; }

    let cut = code[last].end;
    let mut out = String::with_capacity(cut + 32);
    out.push_str(&sql[..cut]);
    for t in toks.iter().filter(|t| t.kind == Kind::Comment && t.start >= cut) {
        out.push(' ');
        out.push_str(&sql[t.start..t.end]);
    }
    if open_comment { out.push_str(" */"); }
    out.push_str("\nLIMIT ");
    out.push_str(&limit.to_string());
    Some(out)
}
