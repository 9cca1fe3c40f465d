// Moves query results across the plugin boundary as Arrow: one column (or all) of a QueryResult becomes an IPC
// stream typed from its SQLite values, and a column a plugin sends back becomes SQLite values again. Rows are copied
// only when a plugin replaces a column, so reading a result costs nothing for the columns a plugin ignores.
using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Wasql.Arrow;
using Wasql.Database;

namespace Wasql.Plugins.Results;

internal sealed class ResultColumns(QueryResult original)
{
    private object?[][]? _rows;   // copy-on-write of the original rows
    private Dictionary<int, byte[]>? _ipc;   // encoded columns: the buffer protocol asks twice when a buffer is too small

    public bool Changed => _rows is not null;
    public int RowCount => original.Rows.Count;
    public int ColumnCount => original.Columns.Count;

    private object? Value(int row, int column) => _rows is { } r ? r[row][column] : original.Rows[row][column];

    /// <summary>Column <paramref name="index"/> (or every column for -1) as an Arrow IPC stream.</summary>
    public byte[] ToIpc(int index)
    {
        if (_ipc is not null && _ipc.TryGetValue(index, out var cached)) return cached;
        return (_ipc ??= [])[index] = Encode(index);
    }

    private byte[] Encode(int index)
    {
        var fields = new List<Field>();
        var arrays = new List<IArrowArray>();
        for (int c = index < 0 ? 0 : index; c < (index < 0 ? ColumnCount : index + 1); c++)
        {
            var column = Column(c);
            fields.Add(new Field(original.Columns[c].Name, column.Data.DataType, true));
            arrays.Add(column);
        }
        return ArrowIpc.WriteStream(new RecordBatch(new Schema(fields, null), arrays, RowCount));
    }

    /// <summary>The Arrow type that holds every value of a column: int64, float64, binary, or utf8 (mixed, all NULL).</summary>
    private IArrowArray Column(int c)
    {
        bool ints = true, reals = true, blobs = true, any = false;
        for (int r = 0; r < RowCount; r++)
        {
            switch (Value(r, c))
            {
                case null: continue;
                case long: blobs = false; break;
                case double: ints = false; blobs = false; break;
                case byte[]: ints = false; reals = false; break;
                default: ints = false; reals = false; blobs = false; break;
            }
            any = true;
        }
        if (!any) ints = reals = blobs = false;
        IArrowType type = ints ? Int64Type.Default : reals ? DoubleType.Default : blobs ? BinaryType.Default : StringType.Default;
        var values = new object?[RowCount];
        for (int r = 0; r < RowCount; r++)
        {
            var v = Value(r, c);
            values[r] = v is null ? null : type is DoubleType ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : type is StringType ? Text(v) : v;
        }
        return BoxedArrays.Build(type, values);
    }

    private static string Text(object v) => v switch
    {
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        byte[] b => "\\x" + Convert.ToHexStringLower(b),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    /// <summary>Replaces column <paramref name="index"/> with the single column of an IPC stream or file. Throws
    /// ArgumentException (malformed, wrong shape or type) with a message for the plugin author.</summary>
    public void Replace(int index, ReadOnlyMemory<byte> ipc)
    {
        RecordBatch batch;
        try
        {
            batch = ipc.Length >= 6 && ipc.Span[..6].SequenceEqual("ARROW1"u8)
                ? ArrowIpc.ReadFile(ipc)
                : ArrowIpc.ReadStream(ipc) is { Count: 1 } batches ? batches[0]
                : throw new ArgumentException("expected exactly one record batch");
        }
        catch (ArrowFormatException e)
        {
            throw new ArgumentException($"not a valid Arrow IPC stream: {e.Message}");
        }
        if (batch.ColumnCount != 1) throw new ArgumentException($"expected one column, got {batch.ColumnCount}");
        if (batch.Length != RowCount) throw new ArgumentException($"expected {RowCount} rows, got {batch.Length}");
        var column = batch.Column(0);
        if (!IsAccepted(column.Data.DataType.TypeId)) throw new ArgumentException($"unsupported column type {column.Data.DataType.Name}");
        var rows = _rows ??= original.Rows.Select(r => (object?[])r.Clone()).ToArray();
        _ipc = null;   // encodings of this column (and of the whole result) are stale
        for (int r = 0; r < rows.Length; r++) rows[r][index] = ToSqlite(BoxedValues.Get(column, r));
    }

    private static bool IsAccepted(ArrowTypeId id) => id is ArrowTypeId.Int8 or ArrowTypeId.Int16 or ArrowTypeId.Int32 or ArrowTypeId.Int64
        or ArrowTypeId.UInt8 or ArrowTypeId.UInt16 or ArrowTypeId.UInt32 or ArrowTypeId.UInt64 or ArrowTypeId.Float or ArrowTypeId.Double
        or ArrowTypeId.Boolean or ArrowTypeId.String or ArrowTypeId.LargeString or ArrowTypeId.Binary or ArrowTypeId.LargeBinary or ArrowTypeId.Null;

    private static object? ToSqlite(object? v) => v switch
    {
        null => null,
        bool b => b ? 1L : 0L,
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(v, CultureInfo.InvariantCulture),
        ulong u => u <= long.MaxValue ? (long)u : (double)u,
        float f => (double)f,
        double d => d,
        string s => s,
        byte[] b => b,
        ReadOnlyMemory<byte> m => m.ToArray(),
        _ => v.ToString(),
    };

    /// <summary>The result with the replaced columns (the original when nothing changed).</summary>
    public QueryResult ToResult() => _rows is null ? original
        : new QueryResult(original.Columns, _rows, original.RecordsAffected, original.CommandTag);
}
