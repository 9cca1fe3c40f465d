// Deep comparison of boxed Arrow values (GetObject results) against expected values: sequences
// element-wise, dictionaries by key, byte arrays by content, numbers by value.
using System.Collections;

namespace Wasql.Arrow.Tests;

public static class ValueAssert
{
    public static void Equal(object? expected, object? actual, string where)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{where}: expected NULL, got {actual}");
                return;
            case byte[] bytes:
                Assert.True(actual is byte[] got && got.AsSpan().SequenceEqual(bytes), $"{where}: bytes differ");
                return;
            case IDictionary<string, object?> row:
            {
                var other = Assert.IsAssignableFrom<IDictionary<string, object?>>(actual);
                Assert.Equal(row.Count, other.Count);
                foreach (var (k, v) in row) Equal(v, other[k], $"{where}.{k}");
                return;
            }
            case string s:
                Assert.True(actual is string t && t == s, $"{where}: expected \"{s}\", got {actual}");
                return;
            case IEnumerable seq:
            {
                var a = seq.Cast<object?>().ToList();
                var b = Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>().ToList();
                Assert.True(a.Count == b.Count, $"{where}: expected {a.Count} elements, got {b.Count}");
                for (int i = 0; i < a.Count; i++) Equal(a[i], b[i], $"{where}[{i}]");
                return;
            }
            case KeyValuePair<object?, object?> kv:
            {
                var other = Assert.IsType<KeyValuePair<object?, object?>>(actual);
                Equal(kv.Key, other.Key, where + ".key");
                Equal(kv.Value, other.Value, where + ".value");
                return;
            }
            case Apache.Arrow.Scalars.YearMonthInterval ym:   // the package's boxed Equals is broken for this struct
                Assert.True(actual is Apache.Arrow.Scalars.YearMonthInterval got2 && got2.Months == ym.Months, $"{where}: expected {ym.Months} months, got {actual}");
                return;
            default:
                Assert.True(Equals(expected, actual), $"{where}: expected {expected} ({expected.GetType().Name}), got {actual} ({actual?.GetType().Name})");
                return;
        }
    }
}
