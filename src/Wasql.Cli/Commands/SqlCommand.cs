// `wasql sql [--db FILE] [-c SQL]... [-f script.sql]`: runs SQL on an embedded Wasql database and prints results
// as aligned tables with timings; with neither -c nor -f it reads a script from stdin, or prompts when stdin is a terminal.
using System.Text;
using Wasql.Database;

namespace Wasql.Cli.Commands;

internal static class SqlCommand
{
    private const string Usage = "usage: wasql sql [--db FILE] [-c \"SQL\"]... [-f script.sql] [--quiet]   (default --db :memory:)";

    public static int Run(string[] args)
    {
        string db = ":memory:";
        var scripts = new List<(string Sql, string Origin)>();
        bool quiet = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value\n{Usage}");
            switch (args[i])
            {
                case "--db" or "-d": db = Value(); break;
                case "-c" or "--command": scripts.Add((Value(), "command")); break;
                case "-f" or "--file":
                    var path = Value();
                    if (!File.Exists(path)) throw new UsageException($"no such file: {path}");
                    scripts.Add((File.ReadAllText(path), path));
                    break;
                case "-q" or "--quiet": quiet = true; break;
                case "-h" or "--help": Console.Out.WriteLine(Usage); return 0;
                default: throw new UsageException($"unknown option '{args[i]}'\n{Usage}");
            }
        }

        using var database = WasqlDatabase.Open(db);
        foreach (var e in database.LoadErrors) Console.Error.WriteLine($"WARNING:  {e}");
        var plugins = Wasql.Plugins.PluginHost.Attach(database);
        foreach (var e in plugins.LoadErrors) Console.Error.WriteLine($"WARNING:  {e}");
        using var connection = database.Connect();
        var printer = new SqlPrinter(Console.Out, quiet);
        if (scripts.Count == 0)
        {
            if (!Console.IsInputRedirected) return SqlPrompt.Run(connection, printer, db);
            scripts.Add((Console.In.ReadToEnd(), "stdin"));
        }
        foreach (var (sql, _) in scripts)
            if (!printer.RunBatch(connection, sql)) return 1;
        return 0;
    }
}

/// <summary>Runs batches statement by statement and prints each result (psql-like).</summary>
internal sealed class SqlPrinter(TextWriter o, bool quiet)
{
    public bool RunBatch(WasqlConnection connection, string sql)
    {
        try
        {
            foreach (var r in connection.ExecuteBatch(sql)) Print(r);
            return true;
        }
        catch (WasqlException e)
        {
            foreach (var n in e.Notices) o.WriteLine($"NOTICE:  {n}");
            PrintError(e, sql);
            return false;
        }
    }

    public void Print(QueryResult r)
    {
        foreach (var n in r.Notices) o.WriteLine($"NOTICE:  {n}");
        if (r.HasRows) PrintTable(r);
        else if (!quiet && r.CommandTag.Length > 0) o.WriteLine(r.CommandTag);
        if (!quiet) o.WriteLine($"Time: {r.Elapsed.TotalMilliseconds:0.000} ms");
    }

    private void PrintTable(QueryResult r)
    {
        int n = r.Columns.Count;
        var cells = r.Rows.Select(row => row.Select(Format).ToArray()).ToList();
        var widths = new int[n];
        var numeric = new bool[n];
        for (int j = 0; j < n; j++)
        {
            widths[j] = r.Columns[j].Name.Length;
            numeric[j] = r.Rows.Count > 0 && r.Rows.All(row => row[j] is null or long or double);
            foreach (var c in cells) widths[j] = Math.Max(widths[j], c[j].Length);
        }
        var sb = new StringBuilder();
        sb.Append(' ').AppendJoin(" | ", r.Columns.Select((c, j) => Center(c.Name, widths[j]))).Append('\n');
        sb.AppendJoin("+", widths.Select(w => new string('-', w + 2))).Append('\n');
        foreach (var c in cells)
            sb.Append(' ').AppendJoin(" | ", c.Select((v, j) => numeric[j] ? v.PadLeft(widths[j]) : v.PadRight(widths[j]))).Append('\n');
        sb.Append($"({r.Rows.Count} row{(r.Rows.Count == 1 ? "" : "s")})\n");
        o.Write(string.Join('\n', sb.ToString().Split('\n').Select(l => l.TrimEnd())));
    }

    private static string Center(string s, int w) => s.PadLeft((w + s.Length) / 2).PadRight(w);

    private static string Format(object? v) => v switch
    {
        null => "",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        byte[] b => "\\x" + Convert.ToHexStringLower(b),
        string s => s.Replace("\n", "\\n"),
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    public void PrintError(WasqlException e, string sql)
    {
        o.Flush();
        var err = Console.Error;
        err.WriteLine($"ERROR:  {e.Message} (SQLSTATE {e.SqlState})");
        if (e.Position is int pos && pos >= 1 && pos <= sql.Length + 1)
        {
            int start = sql.LastIndexOf('\n', Math.Max(0, pos - 2)) + 1;
            int end = sql.IndexOf('\n', pos - 1);
            if (end < 0) end = sql.Length;
            var line = sql[start..end].TrimEnd('\r');
            int lineNo = sql.Take(start).Count(ch => ch == '\n') + 1;
            var prefix = $"LINE {lineNo}: ";
            err.WriteLine(prefix + line);
            err.WriteLine(new string(' ', prefix.Length + (pos - 1 - start)) + "^");
        }
        if (e.Detail is { Length: > 0 } d) err.WriteLine("DETAIL:  " + d.Replace("\n", "\n         "));
        if (e.Hint is { Length: > 0 } h) err.WriteLine("HINT:  " + h);
    }
}
