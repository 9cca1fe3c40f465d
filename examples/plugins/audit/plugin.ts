// audit: an audit log of statements (a Wasql query plugin in AssemblyScript).
//
// on_result logs one line per statement at level info:
//
//   audit user=alice db=main kind=UPDATE rows=3 tag="UPDATE 3" query="UPDATE t SET x = 1 WHERE id < 4"
//   audit user=bob db=main kind=SELECT rows=2 tag="SELECT 2" query="SELECT * FROM t"
//   audit user=bob db=main kind=INSERT error=23505 "UNIQUE constraint failed: t.id" query="INSERT INTO t ..."
//
// rows = rows affected for INSERT/UPDATE/DELETE, the row count for other statements with a row set (left out
// when there is neither). For a failed statement `error=<sqlstate> "<message>"` replaces rows and tag.
// The query text has line breaks replaced by spaces and is cut to `max_query_chars` characters (config, default
// 200), followed by "..." when cut. Values with spaces, quotes or '=' are quoted ("..."), with \ and " escaped.
//
// It also counts statements per user in the plugin's shared store: key "count:<user>", a decimal integer.
//
//   CREATE PLUGIN audit USING FILE '.../audit.wasm' WITH (max_query_chars = '120');
//   CREATE FILTER audit_all (priority = 1) EXECUTE (plugin = audit);

import { Context, CONTINUE, Level, Scope, OK, statusName } from "wasql-plugin";
export { wasql_plugin_abi_v1 } from "wasql-plugin";

const DEFAULT_MAX_QUERY_CHARS: i64 = 200;

export function on_result(handle: i32): i32 {
  const ctx = new Context(handle);
  const user = ctx.user();
  const kind = ctx.kind();
  let line = "audit user=" + bare(user) + " db=" + bare(ctx.database()) + " kind=" + bare(kind);

  const sqlstate = ctx.errorSqlstate();
  if (sqlstate != null) {
    line += " error=" + bare(sqlstate) + " " + quote(ctx.getOr("error.message", ""));
  } else {
    let rows: i64 = -1;
    if (kind == "INSERT" || kind == "UPDATE" || kind == "DELETE") rows = ctx.rowsAffected();
    else if (ctx.columnCount() > 0) rows = ctx.rowCount();
    if (rows >= 0) line += " rows=" + rows.toString();
    const tag = ctx.commandTag();
    if (tag.length > 0) line += " tag=" + quote(tag);
  }

  let max = ctx.configInt("max_query_chars", DEFAULT_MAX_QUERY_CHARS);
  if (max < 0) max = DEFAULT_MAX_QUERY_CHARS;
  line += " query=" + quote(shorten(oneLine(ctx.query()), max));
  ctx.log(Level.Info, line);

  ctx.kvIncr("count:" + user, 1, 0, Scope.Plugin);
  if (ctx.status != OK) ctx.log(Level.Warning, "audit: statement count of " + quote(user) + " not updated: " + statusName(ctx.status));
  return CONTINUE;
}

/** Line breaks (\r\n, \n, \r) become one space each. */
function oneLine(s: string): string {
  let out = "";
  let from = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c == 10 || c == 13) {
      out += s.substring(from, i) + " ";
      if (c == 13 && i + 1 < n && s.charCodeAt(i + 1) == 10) i++;
      from = i + 1;
    }
  }
  return from == 0 ? s : out + s.substring(from);
}

/** The first `max` characters (code points, a surrogate pair is never split) and "..." when s is longer. */
function shorten(s: string, max: i64): string {
  let chars: i64 = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    if (chars == max) return s.substring(0, i) + "...";
    const c = s.charCodeAt(i);
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xDC00 && d < 0xE000) i++;
    }
    chars++;
  }
  return s;
}

/** s in double quotes, with \ and " escaped. */
function quote(s: string): string {
  let out = "\"";
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 34 || c == 92) {
      out += s.substring(from, i) + "\\";
      from = i;
    }
  }
  return out + s.substring(from) + "\"";
}

/** s as is when it is a plain word (not empty; no spaces, control characters, quotes, \ or =), else quoted. */
function bare(s: string): string {
  if (s.length == 0) return quote(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c == 34 || c == 61 || c == 92 || c == 127) return quote(s);
  }
  return s;
}
