// `wasql sql` splits scripts with the same splitter as the server (issue #15): the trigger script and a bracket
// identifier holding ';' (see Wasql.Server.Tests/BatchSplittingTests) run the same way from -c and from stdin.
namespace Wasql.Cli.Tests;

public sealed class SqlCommandTests
{
    private const string Script = """
        CREATE TABLE a(x int); CREATE TABLE b(x int); INSERT INTO b VALUES (5);
        CREATE TRIGGER tr AFTER INSERT ON a BEGIN UPDATE b SET x = CASE WHEN new.x > 0 THEN 1 ELSE 0 END; END;
        INSERT INTO a VALUES (3);
        CREATE TABLE [a;b](y int); INSERT INTO [a;b] VALUES (7);
        SELECT x AS from_trigger, (SELECT y FROM [a;b]) AS bracketed FROM b;
        """;

    [Fact]
    public void TriggerBodiesAndBracketIdentifiersFromCommandAndStdin()
    {
        foreach (var r in new[] { CliProcess.Wasql("sql", "-c", Script), CliProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "wasql.dll"), "sql"], Script) })
        {
            Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
            Assert.Contains("CREATE TRIGGER", r.Stdout);
            Assert.Matches(@"from_trigger \| bracketed", r.Stdout);
            Assert.Matches(@"\b1 +\| +7\b", r.Stdout);
        }
    }
}
