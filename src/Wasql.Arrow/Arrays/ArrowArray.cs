// Base of the typed array views over ArrayData: length, null checks and slicing. Concrete classes add
// typed, allocation-free accessors (spans of values, byte spans of strings). Create() picks the class.
using System.Runtime.CompilerServices;
using Wasql.Arrow.Memory;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public abstract class ArrowArray
{
    protected ArrowArray(ArrayData data) => Data = data;

    public ArrayData Data { get; }
    public ArrowType Type => Data.Type;
    public int Length => Data.Length;
    public int Offset => Data.Offset;
    public int NullCount => Data.NullCount;

    /// <summary>The validity bitmap as stored (element i is bit Offset + i); empty when there are no nulls.</summary>
    public ReadOnlySpan<byte> NullBitmap => Data.Validity.Span;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsValid(int index)
    {
        if ((uint)index >= (uint)Data.Length) ThrowIndex(index);
        if (Data.Type.Id == ArrowTypeId.Null) return false;
        var v = Data.Validity;
        return v.IsEmpty || BitUtil.GetBit(v.Span, Data.Offset + index);
    }

    public bool IsNull(int index) => !IsValid(index);

    public ArrowArray Slice(int offset, int length) => Create(Data.Slice(offset, length));

    /// <summary>The value at <paramref name="index"/> boxed as a .NET value (null for NULL); a slow path
    /// for diagnostics, tests and generic code.</summary>
    public abstract object? GetObject(int index);

    public override string ToString() => $"{Type}[{Length}]";

    protected void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Data.Length) ThrowIndex(index);
    }

    private void ThrowIndex(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside an array of length {Length}");

    public static ArrowArray Create(ArrayData data) => data.Type switch
    {
        { Id: ArrowTypeId.Null } => new NullArray(data),
        { Id: ArrowTypeId.Boolean } => new BooleanArray(data),
        { Id: ArrowTypeId.Int8 } => new Int8Array(data),
        { Id: ArrowTypeId.Int16 } => new Int16Array(data),
        { Id: ArrowTypeId.Int32 } => new Int32Array(data),
        { Id: ArrowTypeId.Int64 } => new Int64Array(data),
        { Id: ArrowTypeId.UInt8 } => new UInt8Array(data),
        { Id: ArrowTypeId.UInt16 } => new UInt16Array(data),
        { Id: ArrowTypeId.UInt32 } => new UInt32Array(data),
        { Id: ArrowTypeId.UInt64 } => new UInt64Array(data),
        { Id: ArrowTypeId.Float16 } => new Float16Array(data),
        { Id: ArrowTypeId.Float32 } => new Float32Array(data),
        { Id: ArrowTypeId.Float64 } => new Float64Array(data),
        { Id: ArrowTypeId.Utf8 or ArrowTypeId.LargeUtf8 } => new StringArray(data),
        { Id: ArrowTypeId.Binary or ArrowTypeId.LargeBinary } => new BinaryArray(data),
        { Id: ArrowTypeId.FixedSizeBinary } => new FixedSizeBinaryArray(data),
        { Id: ArrowTypeId.Date32 } => new Date32Array(data),
        { Id: ArrowTypeId.Date64 } => new Date64Array(data),
        { Id: ArrowTypeId.Time32 } => new Time32Array(data),
        { Id: ArrowTypeId.Time64 } => new Time64Array(data),
        { Id: ArrowTypeId.Timestamp } => new TimestampArray(data),
        { Id: ArrowTypeId.Duration } => new DurationArray(data),
        IntervalType { Unit: IntervalUnit.YearMonth } => new YearMonthIntervalArray(data),
        IntervalType { Unit: IntervalUnit.DayTime } => new DayTimeIntervalArray(data),
        IntervalType => new MonthDayNanoIntervalArray(data),
        { Id: ArrowTypeId.Decimal128 } => new Decimal128Array(data),
        { Id: ArrowTypeId.List or ArrowTypeId.LargeList } => new ListArray(data),
        { Id: ArrowTypeId.FixedSizeList } => new FixedSizeListArray(data),
        { Id: ArrowTypeId.Struct } => new StructArray(data),
        { Id: ArrowTypeId.Map } => new MapArray(data),
        _ => throw new NotSupportedException($"no array class for type {data.Type}"),
    };
}
