// The interactive `wasql sql` prompt: reads lines until a statement ends with ';', keeps a history (up/down arrows,
// saved to ~/.wasql_history), and runs the statement with the same printer as scripts. \q quits.
using System.Text;
using Wasql.Database;
using Wasql.Database.Sql;

namespace Wasql.Cli.Commands;

internal static class SqlPrompt
{
    public static int Run(WasqlConnection connection, SqlPrinter printer, string db)
    {
        var historyFile = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".wasql_history");
        var history = File.Exists(historyFile) ? File.ReadAllLines(historyFile).TakeLast(500).ToList() : new List<string>();
        Console.Out.WriteLine($"wasql sql on {db}. End statements with ';'. \\q quits, \\df lists functions, \\dt lists tables.");
        var buffer = new StringBuilder();
        while (true)
        {
            var line = ReadLine(buffer.Length == 0 ? "wasql=> " : "wasql-> ", history);
            if (line is null) break;
            var trimmed = line.Trim();
            if (buffer.Length == 0 && trimmed.StartsWith('\\'))
            {
                if (trimmed is "\\q" or "\\quit") break;
                if (trimmed == "\\df") printer.RunBatch(connection, "SHOW FUNCTIONS");
                else if (trimmed == "\\dt") printer.Print(Tables(connection));
                else Console.Error.WriteLine("unknown command; try \\q, \\df, \\dt");
                continue;
            }
            buffer.AppendLine(line);
            var sql = buffer.ToString();
            if (!StatementSplitter.IsComplete(sql)) continue;   // a ';' inside a quote or a trigger body does not end it
            buffer.Clear();
            history.Add(sql.TrimEnd().Replace("\n", " "));
            try { File.AppendAllText(historyFile, sql.TrimEnd().Replace("\n", " ") + "\n"); } catch (IOException) { }
            printer.RunBatch(connection, sql);
        }
        return 0;
    }

    /// <summary>\dt: the tables and views of the schema, from the storage engine's catalog.</summary>
    private static QueryResult Tables(WasqlConnection connection)
    {
        var rows = connection.Schema.Relations()
            .Where(r => r.Kind is Wasql.Database.Engine.RelationKind.Table or Wasql.Database.Engine.RelationKind.View)
            .Select(r => new object?[] { r.Name, r.Kind.ToString().ToLowerInvariant() }).ToList();
        return new QueryResult([new ColumnInfo("name", "text"), new ColumnInfo("type", "text")], rows, 0, $"SELECT {rows.Count}");
    }

    /// <summary>A minimal line editor: left/right, backspace, up/down through history, Ctrl-D on an empty line = EOF.</summary>
    private static string? ReadLine(string prompt, List<string> history)
    {
        Console.Out.Write(prompt);
        var text = new StringBuilder();
        int cursor = 0, index = history.Count;
        while (true)
        {
            var k = Console.ReadKey(intercept: true);
            switch (k.Key)
            {
                case ConsoleKey.Enter:
                    Console.Out.WriteLine();
                    return text.ToString();
                case ConsoleKey.Backspace when cursor > 0:
                    text.Remove(--cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0: cursor--; break;
                case ConsoleKey.RightArrow when cursor < text.Length: cursor++; break;
                case ConsoleKey.Home: cursor = 0; break;
                case ConsoleKey.End: cursor = text.Length; break;
                case ConsoleKey.UpArrow when index > 0:
                    text.Clear().Append(history[--index]); cursor = text.Length; break;
                case ConsoleKey.DownArrow when index < history.Count:
                    index++;
                    text.Clear().Append(index < history.Count ? history[index] : "");
                    cursor = text.Length;
                    break;
                default:
                    if (k.Key == ConsoleKey.D && k.Modifiers.HasFlag(ConsoleModifiers.Control) && text.Length == 0) { Console.Out.WriteLine(); return null; }
                    if (k.KeyChar >= ' ') text.Insert(cursor++, k.KeyChar);
                    break;
            }
            Console.Out.Write("\r\x1b[K" + prompt + text);
            if (cursor < text.Length) Console.Out.Write($"\x1b[{text.Length - cursor}D");
        }
    }
}
