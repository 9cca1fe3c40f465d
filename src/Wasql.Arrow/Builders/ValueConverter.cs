// Converts boxed .NET values to the storage type of a fixed-width Arrow type, for AppendObject:
// numbers by Convert, DateOnly/DateTime/TimeOnly/TimeSpan by the type's unit, decimal by its scale.
using System.Globalization;
using System.Runtime.CompilerServices;
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

internal static class ValueConverter
{
    public static T To<T>(object value, ArrowType type) where T : unmanaged
    {
        if (value is T t) return t;
        object converted = type switch
        {
            { Id: ArrowTypeId.Date32 } when value is DateOnly d => d.DayNumber - Date32Array.UnixEpochDay,
            { Id: ArrowTypeId.Date64 } when value is DateOnly d => (long)(d.DayNumber - Date32Array.UnixEpochDay) * 86_400_000L,
            { Id: ArrowTypeId.Date64 } when value is DateTime dt => (dt - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond,
            TimestampType ts when value is DateTime dt => FromTicks((dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt).Ticks - DateTime.UnixEpoch.Ticks, ts.Unit),
            TimestampType ts when value is DateTimeOffset dto => FromTicks(dto.UtcTicks - DateTime.UnixEpoch.Ticks, ts.Unit),
            TimeType tt when value is TimeOnly to => FromTicks(to.Ticks, tt.Unit),
            TimeType tt when value is TimeSpan span => FromTicks(span.Ticks, tt.Unit),
            DurationType du when value is TimeSpan span => FromTicks(span.Ticks, du.Unit),
            Decimal128Type dec when value is decimal m => Decimal128Array.FromDecimal(m, dec.Scale),
            Decimal128Type when value is IConvertible c && IsInteger(value) => (Int128)c.ToInt64(CultureInfo.InvariantCulture),
            _ when typeof(T) == typeof(Half) => (Half)Convert.ToDouble(value, CultureInfo.InvariantCulture),
            _ when value is IConvertible => Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture),
            _ => throw new ArgumentException($"cannot store a {value.GetType().Name} in a {type} array"),
        };
        if (converted is T r) return r;
        if (converted is IConvertible && typeof(T).IsPrimitive)
            return (T)Convert.ChangeType(converted, typeof(T), CultureInfo.InvariantCulture);
        return Unsafe.Unbox<T>(converted);
    }

    private static bool IsInteger(object v) => v is sbyte or byte or short or ushort or int or uint or long;

    private static long FromTicks(long ticks, TimeUnit unit) => unit switch
    {
        TimeUnit.Second => ticks / TimeSpan.TicksPerSecond,
        TimeUnit.Millisecond => ticks / TimeSpan.TicksPerMillisecond,
        TimeUnit.Microsecond => ticks / 10,
        _ => ticks * 100,
    };
}
