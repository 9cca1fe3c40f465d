// Unit tests of the pieces without a network: numeric wire format, expression
// type inference, SCRAM verifiers, and the implicit transaction of multi-statement queries (over psql).
using Wasql.Server.Auth;
using Wasql.Server.Connection;
using Wasql.Server.Protocol;
using Wasql.Server.Types;
using Wasql.Database;

namespace Wasql.Server.Tests;

public sealed class UnitTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("12345.6789", "12345.6789")]
    [InlineData("-0.0001", "-0.0001")]
    [InlineData("100000000", "100000000")]
    [InlineData("1.50", "1.50")]
    [InlineData("007.25", "7.25")]
    [InlineData("NaN", "NaN")]
    [InlineData("1e3", "1000")]
    public void NumericBinaryRoundTrip(string input, string expected)
    {
        using var w = new MessageWriter(Stream.Null);
        Numeric.WriteBinary(w, input);
        var ms = new MemoryStream();
        w.Stream = ms;
        w.FlushAsync(default).AsTask().Wait();
        Assert.Equal(expected, Numeric.ReadBinary(ms.ToArray()));
    }

    [Fact]
    public void NumericRejectsGarbage()
    {
        using var w = new MessageWriter(Stream.Null);
        Assert.Throws<WasqlException>(() => Numeric.WriteBinary(w, "12a"));
    }

    [Fact]
    public void ExpressionTypesFromTheSelectList()
    {
        // the database's select-list inference (Sql/ResultTypes), with $1 typed by the client's parameter OID
        Wasql.Database.WasqlType? Param(int n) => n == 1 ? PgType.ToType(Oid.Int4) : null;
        var t = Wasql.Database.Sql.ResultTypes.Infer("SELECT count(*), 'a' AS s, 1.5, f(x) + 1, gcd(a, b), CAST(x AS text), $1, t.* FROM t", 8, _ => null, Param);
        Assert.All(t, x => Assert.Null(x));     // t.* makes the list unmatchable
        t = Wasql.Database.Sql.ResultTypes.Infer("SELECT count(*), 'a' AS s, 1.5, f(x) + 1, gcd(a, b), CAST(x AS text), $1 FROM t", 7, n => n == "gcd" ? "int4" : null, Param);
        Assert.Equal(new int?[] { Oid.Int8, Oid.Text, Oid.Float8, null, Oid.Int4, Oid.Text, Oid.Int4 }, t.Select(x => x is { } w ? PgType.FromType(w) : (int?)null));
    }

    [Fact]
    public void ScramVerifierFormat()
    {
        var v = Scram.CreateVerifier("pw");
        Assert.StartsWith("SCRAM-SHA-256$4096:", v);
        Assert.NotNull(Scram.ParseVerifier(v));
        Assert.Null(Scram.ParseVerifier("md5abc"));
    }

    [Fact]
    public async Task MultiStatementQueryIsOneImplicitTransaction()
    {
        await using var s = TestServer.Start();
        using var c = new RawClient(s.Port);
        c.Send(RawClient.Startup());
        c.ReadUntilReady();
        c.Send(RawClient.Msg('Q', "CREATE TABLE t(a integer)"));
        c.ReadUntilReady();
        c.Send(RawClient.Msg('Q', "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); SELECT * FROM nope; INSERT INTO t VALUES (3)"));
        var msgs = c.ReadUntilReady();
        Assert.Equal("CCEZ", string.Concat(msgs.Select(m => m.Type)));
        Assert.Equal((byte)'I', msgs[^1].Body[0]);
        c.Send(RawClient.Msg('Q', "SELECT count(*) FROM t"));
        var rows = c.ReadUntilReady();
        var data = rows.First(m => m.Type == 'D').Body;
        Assert.Equal("0", System.Text.Encoding.UTF8.GetString(data, 6, data.Length - 6));   // both inserts rolled back
        c.Send(RawClient.Msg('Q', "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)"));
        c.ReadUntilReady();
        c.Send(RawClient.Msg('Q', "SELECT count(*) FROM t"));
        data = c.ReadUntilReady().First(m => m.Type == 'D').Body;
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(data, 6, data.Length - 6));
    }
}
