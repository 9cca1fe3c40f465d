// The concrete fixed-width array classes, one per logical type, each a thin PrimitiveArray<T>
// with From(span) (one copy) and Wrap(memory) (no copy) factories; temporal ones add conversions.
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Arrays;

public sealed class Int8Array(ArrayData data) : PrimitiveArray<sbyte>(data)
{
    public static Int8Array From(ReadOnlySpan<sbyte> values) => new(FromValues(ArrowType.Int8, values));
}

public sealed class Int16Array(ArrayData data) : PrimitiveArray<short>(data)
{
    public static Int16Array From(ReadOnlySpan<short> values) => new(FromValues(ArrowType.Int16, values));
}

public sealed class Int32Array(ArrayData data) : PrimitiveArray<int>(data)
{
    public static Int32Array From(ReadOnlySpan<int> values) => new(FromValues(ArrowType.Int32, values));
    public static Int32Array Wrap(ReadOnlyMemory<byte> values, int length) => new(WrapValues(ArrowType.Int32, values, length));
}

public sealed class Int64Array(ArrayData data) : PrimitiveArray<long>(data)
{
    public static Int64Array From(ReadOnlySpan<long> values) => new(FromValues(ArrowType.Int64, values));
    public static Int64Array Wrap(ReadOnlyMemory<byte> values, int length) => new(WrapValues(ArrowType.Int64, values, length));
}

public sealed class UInt8Array(ArrayData data) : PrimitiveArray<byte>(data)
{
    public static UInt8Array From(ReadOnlySpan<byte> values) => new(FromValues(ArrowType.UInt8, values));
}

public sealed class UInt16Array(ArrayData data) : PrimitiveArray<ushort>(data)
{
    public static UInt16Array From(ReadOnlySpan<ushort> values) => new(FromValues(ArrowType.UInt16, values));
}

public sealed class UInt32Array(ArrayData data) : PrimitiveArray<uint>(data)
{
    public static UInt32Array From(ReadOnlySpan<uint> values) => new(FromValues(ArrowType.UInt32, values));
}

public sealed class UInt64Array(ArrayData data) : PrimitiveArray<ulong>(data)
{
    public static UInt64Array From(ReadOnlySpan<ulong> values) => new(FromValues(ArrowType.UInt64, values));
}

public sealed class Float16Array(ArrayData data) : PrimitiveArray<Half>(data)
{
    public static Float16Array From(ReadOnlySpan<Half> values) => new(FromValues(ArrowType.Float16, values));
}

public sealed class Float32Array(ArrayData data) : PrimitiveArray<float>(data)
{
    public static Float32Array From(ReadOnlySpan<float> values) => new(FromValues(ArrowType.Float32, values));
}

public sealed class Float64Array(ArrayData data) : PrimitiveArray<double>(data)
{
    public static Float64Array From(ReadOnlySpan<double> values) => new(FromValues(ArrowType.Float64, values));
    public static Float64Array Wrap(ReadOnlyMemory<byte> values, int length) => new(WrapValues(ArrowType.Float64, values, length));
}

/// <summary>Days since 1970-01-01.</summary>
public sealed class Date32Array(ArrayData data) : PrimitiveArray<int>(data)
{
    public static Date32Array From(ReadOnlySpan<int> days) => new(FromValues(ArrowType.Date32, days));
    public DateOnly? GetDate(int index) => IsValid(index) ? DateOnly.FromDayNumber(UnixEpochDay + Value(index)) : null;
    internal static readonly int UnixEpochDay = new DateOnly(1970, 1, 1).DayNumber;
}

/// <summary>Milliseconds since 1970-01-01 (whole days by convention).</summary>
public sealed class Date64Array(ArrayData data) : PrimitiveArray<long>(data)
{
    public static Date64Array From(ReadOnlySpan<long> milliseconds) => new(FromValues(ArrowType.Date64, milliseconds));
    public DateTime? GetDateTime(int index) => IsValid(index) ? DateTime.UnixEpoch.AddMilliseconds(Value(index)) : null;
}

/// <summary>Time of day in seconds or milliseconds (see <see cref="TimeType.Unit"/>).</summary>
public sealed class Time32Array(ArrayData data) : PrimitiveArray<int>(data)
{
    public static Time32Array From(TimeUnit unit, ReadOnlySpan<int> values) => new(FromValues(new TimeType(unit), values));
    public TimeUnit Unit => ((TimeType)Type).Unit;
}

/// <summary>Time of day in micro- or nanoseconds (see <see cref="TimeType.Unit"/>).</summary>
public sealed class Time64Array(ArrayData data) : PrimitiveArray<long>(data)
{
    public static Time64Array From(TimeUnit unit, ReadOnlySpan<long> values) => new(FromValues(new TimeType(unit), values));
    public TimeUnit Unit => ((TimeType)Type).Unit;
}

/// <summary>Time since the Unix epoch in the type's unit (UTC when the type has a zone).</summary>
public sealed class TimestampArray(ArrayData data) : PrimitiveArray<long>(data)
{
    public static TimestampArray From(TimestampType type, ReadOnlySpan<long> values) => new(FromValues(type, values));
    public TimeUnit Unit => ((TimestampType)Type).Unit;

    public DateTime? GetDateTime(int index) =>
        IsValid(index) ? DateTime.UnixEpoch.AddTicks(TemporalMath.ToTicks(Value(index), Unit)) : null;
}

public sealed class DurationArray(ArrayData data) : PrimitiveArray<long>(data)
{
    public static DurationArray From(TimeUnit unit, ReadOnlySpan<long> values) => new(FromValues(new DurationType(unit), values));
    public TimeUnit Unit => ((DurationType)Type).Unit;
    public TimeSpan? GetTimeSpan(int index) => IsValid(index) ? TimeSpan.FromTicks(TemporalMath.ToTicks(Value(index), Unit)) : null;
}

public sealed class YearMonthIntervalArray(ArrayData data) : PrimitiveArray<int>(data)
{
    public static YearMonthIntervalArray From(ReadOnlySpan<int> months) =>
        new(FromValues(new IntervalType(IntervalUnit.YearMonth), months));
}

public sealed class DayTimeIntervalArray(ArrayData data) : PrimitiveArray<DayTimeInterval>(data)
{
    public static DayTimeIntervalArray From(ReadOnlySpan<DayTimeInterval> values) =>
        new(FromValues(new IntervalType(IntervalUnit.DayTime), values));
}

public sealed class MonthDayNanoIntervalArray(ArrayData data) : PrimitiveArray<MonthDayNanoInterval>(data)
{
    public static MonthDayNanoIntervalArray From(ReadOnlySpan<MonthDayNanoInterval> values) =>
        new(FromValues(IntervalType.MonthDayNano, values));
}

internal static class TemporalMath
{
    public static long ToTicks(long value, TimeUnit unit) => unit switch
    {
        TimeUnit.Second => value * TimeSpan.TicksPerSecond,
        TimeUnit.Millisecond => value * TimeSpan.TicksPerMillisecond,
        TimeUnit.Microsecond => value * 10,
        _ => value / 100,
    };
}
