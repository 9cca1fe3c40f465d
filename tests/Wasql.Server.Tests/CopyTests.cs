// COPY over the wire with Npgsql and psql: 1M-row round trips in text, CSV and binary (NULLs, quotes, delimiters,
// newlines, backslashes, Unicode), PostgreSQL's exact text/CSV output, bad rows and CopyFail leaving the table as it
// was (with "COPY t, line N" context), read-only transactions, and psql's \copy both ways.
using Npgsql;
using NpgsqlTypes;

namespace Wasql.Server.Tests;

public sealed class CopyTests
{
    private const int Rows = 1_000_000;

    /// <summary>Values that exercise every escaping rule; every 11th is NULL, every 17th the empty string.</summary>
    private static string? TextValue(int i) => (i % 11, i % 17) switch
    {
        (0, _) => null,
        (_, 0) => "",
        _ => (i % 7) switch
        {
            0 => $"tab\there {i}",
            1 => $"comma, \"quoted\" {i}",
            2 => $"line\nbreak\r\n{i}",
            3 => $"back\\slash \\N {i}",
            4 => $"naïve café 🦆 {i}",
            5 => $"\\.",
            _ => $"plain{i}",
        },
    };

    private static long? NumberValue(int i) => i % 13 == 0 ? null : (long)i * 1_000_003 - 7;

    [Fact]
    public async Task MillionRowsRoundTripInTextCsvAndBinary()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString("Command Timeout=600"));   // 1M rows each way: generous under load
        await c.OpenAsync();
        await Exec(c, "CREATE TABLE src(id integer PRIMARY KEY, s text, n bigint)");
        await using (var importer = await c.BeginBinaryImportAsync("COPY src (id, s, n) FROM STDIN (FORMAT binary)"))
        {
            for (int i = 0; i < Rows; i++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(i, NpgsqlDbType.Integer);
                if (TextValue(i) is { } t) await importer.WriteAsync(t, NpgsqlDbType.Text); else await importer.WriteNullAsync();
                if (NumberValue(i) is { } n) await importer.WriteAsync(n, NpgsqlDbType.Bigint); else await importer.WriteNullAsync();
            }
            Assert.Equal((ulong)Rows, await importer.CompleteAsync());
        }
        // What Npgsql's binary importer sent is what is stored, row by row.
        await using (var read = new NpgsqlCommand("SELECT id, s, n FROM src ORDER BY id", c))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            int i = 0;
            while (await reader.ReadAsync())
            {
                Assert.Equal(i, reader.GetInt32(0));
                Assert.Equal(TextValue(i), reader.IsDBNull(1) ? null : reader.GetString(1));
                Assert.Equal(NumberValue(i), reader.IsDBNull(2) ? null : reader.GetInt64(2));
                i++;
            }
            Assert.Equal(Rows, i);
        }
        foreach (var format in new[] { "text", "csv", "binary" })
        {
            var table = "dst_" + format;
            await Exec(c, $"CREATE TABLE {table}(id integer PRIMARY KEY, s text, n bigint)");
            if (format == "binary")
            {
                var bytes = new MemoryStream();
                await using (var export = await c.BeginRawBinaryCopyAsync("COPY src TO STDOUT (FORMAT binary)")) await export.CopyToAsync(bytes);
                bytes.Position = 0;
                await using (var import = await c.BeginRawBinaryCopyAsync($"COPY {table} FROM STDIN (FORMAT binary)")) await bytes.CopyToAsync(import);
            }
            else
            {
                string data;
                using (var export = await c.BeginTextExportAsync($"COPY src TO STDOUT (FORMAT {format})")) data = await export.ReadToEndAsync();
                await using (var import = await c.BeginTextImportAsync($"COPY {table} FROM STDIN (FORMAT {format})")) await import.WriteAsync(data);
            }
            await using var diff = new NpgsqlCommand(
                $"SELECT (SELECT count(*) FROM {table}), (SELECT count(*) FROM (SELECT * FROM src EXCEPT SELECT * FROM {table}))", c);
            await using var r = await diff.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal(Rows, r.GetInt64(0));
            Assert.Equal(0, r.GetInt64(1));
        }
    }

    [Fact]
    public async Task TextAndCsvOutputFollowPostgresRules()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await Exec(c, "CREATE TABLE t(id integer, s text, ok boolean)");
        await Exec(c, "INSERT INTO t VALUES (1, 'a\tb\\c', 1), (2, NULL, 0), (3, 'x,\"y\"' || char(10) || 'z', NULL), (4, '', 1)");
        Assert.Equal("1\ta\\tb\\\\c\tt\n2\t\\N\tf\n3\tx,\"y\"\\nz\t\\N\n4\t\tt\n", await Export(c, "COPY t TO STDOUT"));
        Assert.Equal("id,s,ok\n1,a\tb\\c,t\n2,,f\n3,\"x,\"\"y\"\"\nz\",\n4,\"\",t\n", await Export(c, "COPY t TO STDOUT WITH CSV HEADER"));
        Assert.Equal("1|'a\tb\\c'|t\n", await Export(c, "COPY (SELECT * FROM t WHERE id = 1) TO STDOUT (FORMAT csv, DELIMITER '|', QUOTE '''', FORCE_QUOTE (s))"));
        Assert.Equal("\"2\";NULL\n", await Export(c, "COPY t (id, s) TO STDOUT WITH DELIMITER ';' NULL 'NULL' CSV FORCE QUOTE id", where: "id = 2"));
    }

    [Fact]
    public async Task MalformedRowFailsWithItsLineAndLoadsNothing()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await Exec(c, "CREATE TABLE t(id integer PRIMARY KEY, s text)");
        await Exec(c, "INSERT INTO t VALUES (100, 'kept')");
        var cases = new (string Copy, string Data, string State, int Line)[]
        {
            ("COPY t FROM STDIN", "1\ta\n2\tb\n3\tc\textra\n4\td\n", "22P04", 3),
            ("COPY t FROM STDIN", "1\ta\n2\n", "22P04", 2),
            ("COPY t FROM STDIN (FORMAT csv)", "1,a\n2,\"unterminated\n", "22P04", 2),
            ("COPY t FROM STDIN WITH CSV HEADER", "id,s\n1,a\n100,dup\n", "23505", 3),
            ("COPY t FROM STDIN", "1\ta\nx\tb\n", "22P02", 2),
        };
        foreach (var (copy, data, state, line) in cases)
        {
            var e = await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var w = await c.BeginTextImportAsync(copy.Replace("COPY t", "COPY t (id, s)"));
                await w.WriteAsync(data);
            });
            Assert.Equal(state, e.SqlState);
            Assert.True(e.Where?.Contains($"COPY t, line {line}") == true, $"{copy}: {e.SqlState} {e.MessageText} where={e.Where}");
            await using var count = new NpgsqlCommand("SELECT count(*), min(id) FROM t", c);
            await using var r = await count.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal(1, r.GetInt64(0));      // nothing half-loaded
            Assert.Equal(100, r.GetInt64(1));
        }
    }

    [Fact]
    public async Task CopyFailAndTransactionsLeaveTheTableUnchanged()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await Exec(c, "CREATE TABLE t(id integer PRIMARY KEY, s text)");
        var w = await c.BeginTextImportAsync("COPY t FROM STDIN");
        for (int i = 0; i < 1000; i++) await w.WriteAsync($"{i}\tv{i}\n");
        await w.FlushAsync();
        await ((NpgsqlCopyTextWriter)w).CancelAsync();        // CopyFail (this ends the COPY: no Dispose after it)
        Assert.Equal(0L, await Scalar(c, "SELECT count(*) FROM t"));

        // Inside a transaction: COPY joins it; ROLLBACK undoes it, COMMIT keeps it.
        await using (var tx = await c.BeginTransactionAsync())
        {
            await using (var imp = await c.BeginTextImportAsync("COPY t FROM STDIN")) await imp.WriteAsync("1\ta\n2\tb\n");
            Assert.Equal(2L, await Scalar(c, "SELECT count(*) FROM t"));
            await tx.RollbackAsync();
        }
        Assert.Equal(0L, await Scalar(c, "SELECT count(*) FROM t"));
        await using (var tx = await c.BeginTransactionAsync())
        {
            await using (var imp = await c.BeginTextImportAsync("COPY t FROM STDIN")) await imp.WriteAsync("1\ta\n2\tb\n");
            await tx.CommitAsync();
        }
        Assert.Equal(2L, await Scalar(c, "SELECT count(*) FROM t"));

        // A read-only transaction refuses COPY FROM (25006) and still exports.
        await Exec(c, "BEGIN READ ONLY");
        var e = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var imp = await c.BeginTextImportAsync("COPY t FROM STDIN");
            await imp.WriteAsync("3\tc\n");
        });
        Assert.Equal("25006", e.SqlState);
        await Exec(c, "ROLLBACK");
        await Exec(c, "BEGIN READ ONLY");
        Assert.Equal("1\ta\n2\tb\n", await Export(c, "COPY t TO STDOUT"));
        await Exec(c, "COMMIT");
    }

    [Fact]
    public async Task BadCopyStatementsAreSyntaxOrFeatureErrors()
    {
        await using var s = TestServer.Start();
        await using var c = new NpgsqlConnection(s.ConnectionString());
        await c.OpenAsync();
        await Exec(c, "CREATE TABLE t(id integer, s text)");
        foreach (var (sql, state) in new[]
        {
            ("COPY t FROM '/etc/passwd'", "0A000"),
            ("COPY t TO '/tmp/x'", "0A000"),
            ("COPY t FROM STDIN (FORMAT xml)", "42601"),
            ("COPY t FROM STDIN (DELIMITER 'ab')", "0A000"),
            ("COPY t FROM STDIN (FORMAT binary, HEADER)", "0A000"),
            ("COPY t FROM STDIN (QUOTE '\"')", "0A000"),
            ("COPY t TO STDOUT (FORMAT csv, DELIMITER ',', QUOTE ',')", "0A000"),
            ("COPY nope FROM STDIN", "42P01"),
            ("COPY t (nope) FROM STDIN", "42703"),
            ("COPY (SELECT 1) FROM STDIN", "42601"),
        })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => Exec(c, sql));
            Assert.True(state == e.SqlState, $"{sql}: {e.SqlState} {e.MessageText}");
        }
        Assert.Equal(1L, await Scalar(c, "SELECT 1"));   // the connection is still usable
    }

    [Fact]
    public async Task PsqlCopyBothWays()
    {
        await using var s = TestServer.Start();
        var dir = Directory.CreateTempSubdirectory("wasql-copy-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.csv");
            var csv = "id,s\n1,plain\n2,\"with, comma\"\n3,\"two\nlines\"\n4,\n5,\"\"\n6,naïve 🦆\n";
            await File.WriteAllTextAsync(input, csv);
            var output = Path.Combine(dir.FullName, "out.csv");
            var text = Path.Combine(dir.FullName, "out.txt");
            var (exit, stdout, err) = s.Psql($"""
                CREATE TABLE t(id integer PRIMARY KEY, s text);
                \copy t from '{input}' with csv header
                SELECT count(*) AS n, count(s) AS nonnull FROM t;
                \copy t to '{output}' with csv header
                \copy (SELECT id, s FROM t WHERE id IN (3, 4)) to '{text}'
                """);
            Assert.True(exit == 0, err + stdout);
            Assert.Contains("COPY 6", stdout);
            Assert.Matches(@"\n\s+6 \|\s+5\n", stdout);            // one NULL, the quoted empty string is not NULL
            Assert.Equal(csv, await File.ReadAllTextAsync(output));
            Assert.Equal("3\ttwo\\nlines\n4\t\\N\n", await File.ReadAllTextAsync(text));
        }
        finally { dir.Delete(recursive: true); }
    }

    private static async Task<string> Export(NpgsqlConnection c, string copy, string? where = null)
    {
        if (where is not null) copy = copy.Replace("COPY t (id, s) TO", $"COPY (SELECT id, s FROM t WHERE {where}) TO");
        using var r = await c.BeginTextExportAsync(copy);
        return await r.ReadToEndAsync();
    }

    private static async Task<long> Scalar(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private static async Task Exec(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
