// Finds the structs of an inline Rust body that travel as SQL STRUCT values (JSON objects in SQLite): those named in
// the function's signature and, transitively, in their fields' types. For each the wrapper invokes the SDK's
// wasql_json_struct! macro with the field names; field types are left to rustc (the FromJson/ToJson traits).
using System.Text.RegularExpressions;

namespace Wasql.Database.Compilers;

internal static partial class RustStructs
{
    /// <summary>One struct definition: its name, lifetime parameters (a struct with lifetimes can only be returned) and
    /// its fields' names and types as written.</summary>
    public sealed record Definition(string Name, IReadOnlyList<string> Lifetimes, IReadOnlyList<(string Name, string Type)> Fields);

    public static IReadOnlyList<Definition> Referenced(string body, RustSignature signature)
    {
        var all = Find(body).ToDictionary(d => d.Name);
        var used = new List<Definition>();
        var pending = new Queue<string>(signature.Parameters.Append(signature.Return));
        while (pending.Count > 0)
            foreach (Match m in Word().Matches(pending.Dequeue()))
                if (all.Remove(m.Value, out var d))
                {
                    used.Add(d);
                    foreach (var f in d.Fields) pending.Enqueue(f.Type);
                }
        return used;
    }

    /// <summary>Every <c>struct Name&lt;...&gt; { field: Type, ... }</c> of the body (tuple and unit structs are skipped).</summary>
    public static IEnumerable<Definition> Find(string body)
    {
        foreach (Match m in StructHead().Matches(body))
        {
            int open = m.Index + m.Length - 1, depth = 0, close = -1;
            for (int i = open; i < body.Length; i++)
            {
                if (body[i] == '{') depth++;
                else if (body[i] == '}' && --depth == 0) { close = i; break; }
            }
            if (close < 0) continue;
            var lifetimes = Lifetime().Matches(m.Groups[2].Value).Select(x => x.Value).ToList();
            var fields = new List<(string, string)>();
            foreach (var part in RustSignature.SplitTopLevel(body[(open + 1)..close]))
            {
                var f = Field().Match(part);
                if (f.Success) fields.Add((f.Groups[1].Value, f.Groups[2].Value.Trim()));
            }
            yield return new Definition(m.Groups[1].Value, lifetimes, fields);
        }
    }

    /// <summary>The macro call that gives a struct its JSON conversions.</summary>
    public static string Implement(Definition d) => d.Lifetimes.Count == 0
        ? $"crate::wasql_json_struct!(owned {d.Name} {{ {string.Join(", ", d.Fields.Select(f => f.Name))} }});"
        : $"crate::wasql_json_struct!(out {d.Name} [{string.Join(", ", d.Lifetimes)}] {{ {string.Join(", ", d.Fields.Select(f => f.Name))} }});";

    [GeneratedRegex(@"\bstruct\s+([A-Za-z_][A-Za-z0-9_]*)\s*(<[^>{;]*>)?\s*\{")]
    private static partial Regex StructHead();

    [GeneratedRegex(@"'[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Lifetime();

    [GeneratedRegex(@"^(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.+)$", RegexOptions.Singleline)]
    private static partial Regex Field();

    [GeneratedRegex(@"\b[A-Za-z_][A-Za-z0-9_]*\b")]
    private static partial Regex Word();
}
