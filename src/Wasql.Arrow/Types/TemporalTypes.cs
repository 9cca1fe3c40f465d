// Time-based types with a unit parameter: Time32/Time64, Timestamp (optional zone), Duration, Interval.
// Time32 holds seconds or milliseconds and Time64 micro- or nanoseconds, as the Arrow spec requires.
namespace Wasql.Arrow.Types;

public sealed class TimeType : ArrowType
{
    public TimeType(TimeUnit unit) => Unit = unit;

    public TimeUnit Unit { get; }
    public override ArrowTypeId Id => Unit <= TimeUnit.Millisecond ? ArrowTypeId.Time32 : ArrowTypeId.Time64;
    public override int BitWidth => Unit <= TimeUnit.Millisecond ? 32 : 64;
    public override bool Equals(ArrowType? other) => other is TimeType t && t.Unit == Unit;
    public override int GetHashCode() => HashCode.Combine(Id, Unit);
    public override string ToString() => $"time{BitWidth}[{UnitNames.Of(Unit)}]";
}

public sealed class TimestampType : ArrowType
{
    public TimestampType(TimeUnit unit, string? timezone = null)
    {
        Unit = unit;
        Timezone = string.IsNullOrEmpty(timezone) ? null : timezone;
    }

    public TimeUnit Unit { get; }
    /// <summary>IANA name or offset like "+01:00"; null for a zone-less (local) timestamp.</summary>
    public string? Timezone { get; }
    public override ArrowTypeId Id => ArrowTypeId.Timestamp;
    public override int BitWidth => 64;
    public override bool Equals(ArrowType? other) =>
        other is TimestampType t && t.Unit == Unit && t.Timezone == Timezone;
    public override int GetHashCode() => HashCode.Combine(Id, Unit, Timezone);
    public override string ToString() =>
        Timezone is null ? $"timestamp[{UnitNames.Of(Unit)}]" : $"timestamp[{UnitNames.Of(Unit)}, tz={Timezone}]";
}

public sealed class DurationType : ArrowType
{
    public DurationType(TimeUnit unit) => Unit = unit;

    public TimeUnit Unit { get; }
    public override ArrowTypeId Id => ArrowTypeId.Duration;
    public override int BitWidth => 64;
    public override bool Equals(ArrowType? other) => other is DurationType t && t.Unit == Unit;
    public override int GetHashCode() => HashCode.Combine(Id, Unit);
    public override string ToString() => $"duration[{UnitNames.Of(Unit)}]";
}

public sealed class IntervalType : ArrowType
{
    public static readonly IntervalType MonthDayNano = new(IntervalUnit.MonthDayNano);

    public IntervalType(IntervalUnit unit) => Unit = unit;

    public IntervalUnit Unit { get; }
    public override ArrowTypeId Id => ArrowTypeId.Interval;
    public override int BitWidth => Unit switch
    {
        IntervalUnit.YearMonth => 32,
        IntervalUnit.DayTime => 64,
        _ => 128,
    };
    public override bool Equals(ArrowType? other) => other is IntervalType t && t.Unit == Unit;
    public override int GetHashCode() => HashCode.Combine(Id, Unit);
    public override string ToString() => Unit switch
    {
        IntervalUnit.YearMonth => "interval[year_month]",
        IntervalUnit.DayTime => "interval[day_time]",
        _ => "interval[month_day_nano]",
    };
}

internal static class UnitNames
{
    public static string Of(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => "s",
        TimeUnit.Millisecond => "ms",
        TimeUnit.Microsecond => "us",
        _ => "ns",
    };
}
