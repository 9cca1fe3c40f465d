// The logical types Wasql.Arrow models. Physical layout follows from the id (see TypeLayout);
// parameters (units, widths, children) live on the ArrowType subclasses.
namespace Wasql.Arrow.Types;

public enum ArrowTypeId
{
    Null,
    Boolean,
    Int8, Int16, Int32, Int64,
    UInt8, UInt16, UInt32, UInt64,
    Float16, Float32, Float64,
    Utf8, LargeUtf8,
    Binary, LargeBinary,
    FixedSizeBinary,
    Date32, Date64,
    Time32, Time64,
    Timestamp,
    Interval,
    Duration,
    Decimal128,
    List, LargeList, FixedSizeList,
    Struct,
    Map,
}

public enum TimeUnit : short { Second = 0, Millisecond = 1, Microsecond = 2, Nanosecond = 3 }

public enum IntervalUnit : short { YearMonth = 0, DayTime = 1, MonthDayNano = 2 }
