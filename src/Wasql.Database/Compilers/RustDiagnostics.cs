// Turns rustc's first error into one line for the client: the message, where it is in the user's function body
// (the generated file starts with the body, so rustc's line numbers are the body's), the label under the code, and
// rustc's help lines as the hint. An error past the body is in the generated wrapper: the Rust signature does not fit
// the SQL declaration.
using System.Text.RegularExpressions;

namespace Wasql.Database.Compilers;

internal static partial class RustDiagnostics
{
    public sealed record Summary(string Message, string? Help);

    public static Summary? FirstError(string output, int bodyLines)
    {
        var lines = output.Replace("\r", "").Split('\n');
        int at = Array.FindIndex(lines, l => ErrorLine().IsMatch(l) && !l.StartsWith("error: aborting", StringComparison.Ordinal));
        if (at < 0) return null;
        var message = lines[at].Trim();
        string? where = null, label = null;
        var help = new List<string>();
        for (int i = at + 1; i < lines.Length; i++)
        {
            var l = lines[i];
            if (ErrorLine().IsMatch(l) || l.StartsWith("warning", StringComparison.Ordinal)) break;
            if (where is null && Location().Match(l) is { Success: true } m)
            {
                int line = int.Parse(m.Groups[1].Value), column = int.Parse(m.Groups[2].Value);
                where = line <= bodyLines
                    ? $"at line {line}, column {column} of the function body"
                    : "in the wrapper generated for the SQL declaration: the Rust signature does not fit it";
                continue;
            }
            if (Label().Match(l) is { Success: true } lm && lm.Groups[1].Value.Trim() is { Length: > 0 } labelText)
            {
                // A label may itself be rustc's suggestion ("^^^ help: a function with a similar name exists: `f`").
                if (labelText.StartsWith("help:", StringComparison.Ordinal)) help.Add(labelText[5..].Trim());
                else label ??= labelText;
                continue;
            }
            var h = Help().Match(l);
            if (h.Success) help.Add(h.Groups[1].Value.Trim());
        }
        var text = message + (where is null ? "" : " " + where) + (label is null ? "" : $" ({label})");
        return new Summary(text, help.Count == 0 ? null : string.Join("; ", help));
    }

    [GeneratedRegex(@"^error(\[E\d+\])?:")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"-->\s*udf\.rs:(\d+):(\d+)")]
    private static partial Regex Location();

    /// <summary>The text after the carets under the code (source lines carry a line number, label lines do not):
    /// <c>|     --- ^ expected `i32`, found `()`</c>.</summary>
    [GeneratedRegex(@"^\s*\|\s*[\^\-][\s\^\-\|]*(.*)$")]
    private static partial Regex Label();

    [GeneratedRegex(@"^\s*(?:=\s*)?help:\s*(.*)$")]
    private static partial Regex Help();
}
