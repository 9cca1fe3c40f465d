// Small builders of Apache.Arrow batches for the tests.
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Wasql.Udf.Tests;

internal static class ArrowTestData
{
    public static Schema Schema(params (string Name, IArrowType Type)[] fields) =>
        new(fields.Select(f => new Field(f.Name, f.Type, true)), null);

    public static Int32Array Int32s(IEnumerable<int> values) => new Int32Array.Builder().AppendRange(values).Build();

    public static StringArray Strings(params string?[] values)
    {
        var b = new StringArray.Builder();
        foreach (var v in values) if (v is null) b.AppendNull(); else b.Append(v);
        return b.Build();
    }

    public static Int64Array Int64s(IEnumerable<long> values) => new Int64Array.Builder().AppendRange(values).Build();

    public static RecordBatch Batch(params (string Name, IArrowArray Array)[] columns) =>
        new(Schema(columns.Select(c => (c.Name, c.Array.Data.DataType)).ToArray()), columns.Select(c => c.Array), columns.Length == 0 ? 0 : columns[0].Array.Length);
}
