// The in-memory layouts of the Interval(DayTime) and Interval(MonthDayNano) values: little-endian
// structs of 8 and 16 bytes, matching the Arrow buffers byte for byte so arrays can be viewed as spans.
using System.Runtime.InteropServices;

namespace Wasql.Arrow.Arrays;

[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct DayTimeInterval(int Days, int Milliseconds)
{
    public override string ToString() => $"{Days}d{Milliseconds}ms";
}

[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct MonthDayNanoInterval(int Months, int Days, long Nanoseconds)
{
    public override string ToString() => $"{Months}m{Days}d{Nanoseconds}ns";
}
