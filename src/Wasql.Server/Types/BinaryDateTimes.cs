// Binary date/time parameters (Postgres' wire format: days or microseconds since 2000-01-01) to the text
// SQLite stores. Invariant: every value either maps to the instant it denotes or is an error; the
// microseconds-to-ticks scaling is checked, so no value wraps around into a different, plausible date.
using System.Globalization;
using Wasql.Server.Sessions;
using Wasql.Database;

namespace Wasql.Server.Types;

internal static class BinaryDateTimes
{
    /// <summary>Postgres encodes 'infinity' and '-infinity' as the extreme values of the integer.</summary>
    private const string Infinity = "infinity", NegativeInfinity = "-infinity";
    private const long MicrosecondsPerDay = 86_400_000_000L;

    public static string Date(int days)
    {
        if (days == int.MaxValue) return Infinity;
        if (days == int.MinValue) return NegativeInfinity;
        var epochDays = ValueEncoder.PgEpoch.Ticks / TimeSpan.TicksPerDay;
        long target = epochDays + days;
        if (target < 0 || target > DateTime.MaxValue.Ticks / TimeSpan.TicksPerDay)
            throw new WasqlException(SqlStates.DatetimeFieldOverflow, "date out of range");
        return ValueEncoder.PgEpoch.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public static string Time(long microseconds)
    {
        if (microseconds < 0 || microseconds > MicrosecondsPerDay)   // 24:00:00 is a valid Postgres time
            throw new WasqlException(SqlStates.DatetimeFieldOverflow, "time out of range");
        return DateTimes.FormatTime(TimeSpan.FromTicks(microseconds * 10));
    }

    public static string Timestamp(long microseconds, bool withZone)
    {
        if (microseconds == long.MaxValue) return Infinity;
        if (microseconds == long.MinValue) return NegativeInfinity;
        // Ticks are 100 ns: the range a DateTime holds (years 1..9999) bounds what is accepted.
        long minMicros = -(ValueEncoder.PgEpoch.Ticks / 10), maxMicros = (DateTime.MaxValue.Ticks - ValueEncoder.PgEpoch.Ticks) / 10;
        if (microseconds < minMicros || microseconds > maxMicros)
            throw new WasqlException(SqlStates.DatetimeFieldOverflow, withZone ? "timestamp with time zone out of range" : "timestamp out of range");
        return DateTimes.FormatTimestamp(ValueEncoder.PgEpoch.AddTicks(microseconds * 10), withZone);
    }
}
