// Inline LANGUAGE c in the natural form (issue #20): NUL-terminated text and wasql_bytes in and out, SQL NULL as a null
// pointer both ways, numbers strict; the raw direct-ABI form keeps working; the arena stays bounded across rows.
// Skipped without clang-14.
namespace Wasql.Database.Tests;

public sealed class InlineCTests
{
    [Fact]
    public void NaturalFormTextBytesAndNulls()
    {
        if (!File.Exists("/usr/bin/clang-14")) return;
        using var db = WasqlDatabase.Open(":memory:", new WasqlOptions { CompileCacheDirectory = Path.Combine(Path.GetTempPath(), "wasql-inline-c-tests") });
        using var c = db.Connect();
        c.ExecuteBatch("""
            CREATE FUNCTION upper(text) RETURNS text LANGUAGE c AS $$
            char *upper(const char *s) {
                if (!s) return "(none)";
                int n = 0;
                while (s[n]) n++;
                char *o = wasql_alloc(n + 1, 1);
                for (int i = 0; i <= n; i++) o[i] = (s[i] >= 'a' && s[i] <= 'z') ? s[i] - 32 : s[i];
                return o;
            }
            $$;
            CREATE FUNCTION parity(int) RETURNS text LANGUAGE c AS $$ const char *parity(int n) { return n % 2 ? "odd" : 0; } $$;
            CREATE FUNCTION clen(text) RETURNS int LANGUAGE c AS $$ int clen(const char *s) { if (!s) return -1; int n = 0; while (s[n]) n++; return n; } $$;
            CREATE FUNCTION rev(bytea) RETURNS bytea LANGUAGE c AS $$
            static unsigned char buf[64];
            wasql_bytes rev(wasql_bytes b) {
                if (!b.data || b.len > 64) return wasql_bytes_of(0, 0);
                for (int i = 0; i < b.len; i++) buf[i] = b.data[b.len - 1 - i];
                return wasql_bytes_of(buf, b.len);
            }
            $$;
            CREATE FUNCTION rawlen(text) RETURNS int LANGUAGE c AS $$ int rawlen(const char *s, int len) { return len * 10; } $$;
            """);
        Assert.Equal("ABC", c.Execute("SELECT upper('abc')").Rows[0][0]);
        Assert.Equal("", c.Execute("SELECT upper('')").Rows[0][0]);
        Assert.Equal("(none)", c.Execute("SELECT upper(NULL)").Rows[0][0]);
        Assert.Equal("odd", c.Execute("SELECT parity(3)").Rows[0][0]);
        Assert.Null(c.Execute("SELECT parity(4)").Rows[0][0]);
        Assert.Null(c.Execute("SELECT parity(NULL)").Rows[0][0]);   // strict in numbers
        Assert.Equal(3L, c.Execute("SELECT clen('héj') - 1").Rows[0][0]);   // 4 UTF-8 bytes
        Assert.Equal(-1L, c.Execute("SELECT clen(NULL)").Rows[0][0]);
        Assert.Equal(new byte[] { 3, 2, 1 }, c.Execute("SELECT rev(x'010203')").Rows[0][0]);
        Assert.Null(c.Execute("SELECT rev(NULL)").Rows[0][0]);
        Assert.Null(c.Execute("SELECT rev(randomblob(65))").Rows[0][0]);
        Assert.Equal(30L, c.Execute("SELECT rawlen('abc')").Rows[0][0]);   // the raw (ptr, len) form, as before
        Assert.Null(c.Execute("SELECT rawlen(NULL)").Rows[0][0]);
        // 3,000 rows of 100 KB: the result blocks the function leaves in the arena are reclaimed every row (leaking
        // them would pass the 256 MiB memory cap).
        var r = c.Execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) SELECT sum(length(upper(printf('%.*c', 100000, 'x')))) FROM n");
        Assert.Equal(300_000_000L, r.Rows[0][0]);
    }
}
