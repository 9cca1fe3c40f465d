// Unit tests of the one SQL tokenizer (SqlScanner / Lexer), the statement splitter, the leading-keyword and
// parameter readers on top of it: every layer (database, server, plugins, `wasql sql`) splits with these.
using Wasql.Database.Sql;

namespace Wasql.Database.Tests;

public sealed class SqlTokenizerTests
{
    private static List<(TokenKind Kind, string Value)> Tokens(string sql) =>
        Lexer.Tokenize(sql).Select(t => (t.Kind, t.Value)).ToList();

    [Fact]
    public void QuotesOfEveryKindAreOneTokenWithTheirValue()
    {
        var t = Tokens("SELECT 'it''s', \"a\"\"b\", [x;y], `c``d`, $$ a ; b $$, $fn$ $$ $fn$ FROM t");
        Assert.Equal(
        [
            (TokenKind.Word, "SELECT"), (TokenKind.String, "it's"), (TokenKind.Punct, ","), (TokenKind.QuotedIdent, "a\"b"),
            (TokenKind.Punct, ","), (TokenKind.QuotedIdent, "x;y"), (TokenKind.Punct, ","), (TokenKind.QuotedIdent, "c`d"),
            (TokenKind.Punct, ","), (TokenKind.Dollar, " a ; b "), (TokenKind.Punct, ","), (TokenKind.Dollar, " $$ "),
            (TokenKind.Word, "FROM"), (TokenKind.Word, "t"), (TokenKind.End, ""),
        ], t);
    }

    [Fact]
    public void ParametersNumbersAndOperators()
    {
        var t = Tokens("x$y$ = $1 AND b = ?2 OR c = ? AND d::int[] -> 1.5e-3");
        Assert.Equal(
        [
            (TokenKind.Word, "x$y$"), (TokenKind.Punct, "="), (TokenKind.Parameter, "$1"), (TokenKind.Word, "AND"),
            (TokenKind.Word, "b"), (TokenKind.Punct, "="), (TokenKind.Parameter, "?2"), (TokenKind.Word, "OR"),
            (TokenKind.Word, "c"), (TokenKind.Punct, "="), (TokenKind.Parameter, "?"), (TokenKind.Word, "AND"),
            (TokenKind.Word, "d"), (TokenKind.Punct, "::"), (TokenKind.Word, "int"), (TokenKind.Punct, "[]"),
            (TokenKind.Punct, "->"), (TokenKind.Number, "1.5e-3"), (TokenKind.End, ""),
        ], t);
    }

    [Fact]
    public void CommentsAreSkippedAndBlockCommentsNest()
    {
        Assert.Equal([(TokenKind.Word, "a"), (TokenKind.Word, "b"), (TokenKind.End, "")],
            Tokens("a /* outer /* inner; */ still comment; */ -- line ; comment\n b"));
        var offsets = Lexer.Tokenize("  x /* c */ y").Select(t => t.Offset).ToList();
        Assert.Equal([2, 12, 13], offsets);
    }

    [Theory]
    [InlineData("SELECT 'abc", "unterminated quoted string", 8)]
    [InlineData("SELECT \"abc", "unterminated quoted identifier", 8)]
    [InlineData("SELECT [abc", "unterminated quoted identifier", 8)]
    [InlineData("SELECT $q$ abc $$", "unterminated dollar-quoted string", 8)]
    public void UnterminatedLiteralsAreSyntaxErrorsWithPositions(string sql, string message, int position)
    {
        var e = Assert.Throws<WasqlException>(() => Lexer.Tokenize(sql));
        Assert.Equal(SqlStates.SyntaxError, e.SqlState);
        Assert.Equal(message, e.Message);
        Assert.Equal(position, e.Position);
    }

    [Fact]
    public void ScannerNeverThrowsAndMarksUnterminatedTokens()
    {
        var s = new SqlScanner("a 'open");
        Assert.True(s.Next().Terminated);
        var open = s.Next();
        Assert.Equal((TokenKind.String, 2, 5, false), (open.Kind, open.Offset, open.Length, open.Terminated));
        Assert.Equal(TokenKind.End, s.Next().Kind);
        Assert.Equal(TokenKind.End, s.Next().Kind);
    }

    [Fact]
    public void SplitterKeepsQuotesCommentsDollarQuotesBracketsAndTriggerBodies()
    {
        var sql = """
            SELECT 'a;b'; SELECT "x;y", [p;q], `r;s` FROM t; -- c;d
            CREATE FUNCTION f() RETURNS int LANGUAGE rust AS $$ fn f() -> i32 { 1; 2 } $$;
            CREATE TRIGGER tr AFTER INSERT ON a BEGIN UPDATE b SET x = CASE WHEN new.x > 0 THEN 1 ELSE 0 END; INSERT INTO u VALUES (1); END;
            /* ; /* ; */ ; */ SELECT 3
            """;
        var pieces = StatementSplitter.Split(sql);
        Assert.Equal(5, pieces.Count);
        Assert.Equal("SELECT 'a;b'", pieces[0].Text);
        Assert.Equal(0, pieces[0].Offset);
        Assert.Equal(" SELECT \"x;y\", [p;q], `r;s` FROM t", pieces[1].Text);
        Assert.Contains("$$ fn f() -> i32 { 1; 2 } $$", pieces[2].Text);
        Assert.StartsWith("CREATE TRIGGER", pieces[3].Text.TrimStart());
        Assert.EndsWith("INSERT INTO u VALUES (1); END", pieces[3].Text);
        Assert.EndsWith("SELECT 3", pieces[4].Text);
        foreach (var p in pieces) Assert.Equal(p.Text, sql.Substring(p.Offset, p.Text.Length));
        Assert.Empty(StatementSplitter.Split(" ; -- nothing\n; /* */;"));
    }

    [Fact]
    public void TriggerDetectionLooksAtTheLeadingWordsOnly()
    {
        // Not a trigger: BEGIN/END in an ordinary batch are statements of their own.
        Assert.Equal(["BEGIN", " SELECT 1", " END"], StatementSplitter.Split("BEGIN; SELECT 1; END").Select(p => p.Text));
        // A temporary trigger and an explained one keep their bodies.
        Assert.Single(StatementSplitter.Split("CREATE TEMP TRIGGER t AFTER DELETE ON a BEGIN DELETE FROM b; END"));
        Assert.Equal(2, StatementSplitter.Split("EXPLAIN QUERY PLAN CREATE TRIGGER t AFTER DELETE ON a BEGIN DELETE FROM b; END; SELECT 1").Count);
        // An unterminated string runs to the end, ';' included.
        Assert.Equal(["SELECT 1", " SELECT 'a; b"], StatementSplitter.Split("SELECT 1; SELECT 'a; b").Select(p => p.Text));
    }

    [Theory]
    [InlineData("SELECT 1;", true)]
    [InlineData("SELECT 1; -- done", true)]
    [InlineData("SELECT 1", false)]
    [InlineData("SELECT 'a;", false)]
    [InlineData("SELECT $$ a; $$ ;", true)]
    [InlineData("CREATE TRIGGER t AFTER INSERT ON a BEGIN DELETE FROM b;", false)]
    [InlineData("CREATE TRIGGER t AFTER INSERT ON a BEGIN DELETE FROM b; END;", true)]
    [InlineData("SELECT /* ; */", false)]
    public void IsCompleteTellsAPromptWhenToRun(string sql, bool complete) =>
        Assert.Equal(complete, StatementSplitter.IsComplete(sql));

    [Theory]
    [InlineData("  select 1", "SELECT")]
    [InlineData("/* c */ ((SELECT 1))", "SELECT")]
    [InlineData("-- x\n  insert into t values (1)", "INSERT")]
    [InlineData("  ", "")]
    [InlineData("'x'", "")]
    public void FirstKeyword(string sql, string expected) => Assert.Equal(expected, SqlText.FirstKeyword(sql));

    [Theory]
    [InlineData("SELECT $1, $12 FROM t WHERE a = $3", 12)]
    [InlineData("SELECT '$5', \"$6\", $$ $7 $$ /* $8 */ -- $9\n, $2", 2)]
    [InlineData("SELECT 1", 0)]
    public void MaxParameterNumberIgnoresQuotedText(string sql, int expected) =>
        Assert.Equal(expected, SqlText.MaxParameterNumber(sql));

    [Fact]
    public void BlankMeansOnlyTrivia()
    {
        Assert.True(SqlText.IsBlank(" -- a\n /* b /* c */ */ "));
        Assert.False(SqlText.IsBlank(" /* b */ ;"));
    }

    [Theory]
    [InlineData("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "INSERT")]
    [InlineData("create temp table t(a)", "CREATE TABLE")]
    [InlineData("CREATE UNIQUE INDEX i ON t(a)", "CREATE INDEX")]
    [InlineData("DROP VIEW IF EXISTS v", "DROP VIEW")]
    [InlineData("values (1)", "SELECT")]
    [InlineData("REPLACE INTO t VALUES (1)", "INSERT")]
    public void StatementKindFromTheLeadingWords(string sql, string verb) => Assert.Equal(verb, CommandTags.Verb(sql));
}
