// Arrow types of the direct ABI's SQL types, as the RisingWave/Databend UDF protocol maps them (the reference's type
// table: int2 -> int16, int4 -> int32, int8 -> int64, float4 -> float32, float8 -> float64, boolean -> bool,
// text -> utf8, bytea -> binary). arrow-udf functions carry their own Arrow types.
using Apache.Arrow.Types;
using Wasql.Udf;

namespace Wasql.UdfServer.Functions;

internal static class FlightTypes
{
    public static IArrowType Of(SqlType t) => t switch
    {
        SqlType.Int2 => Int16Type.Default,
        SqlType.Int4 => Int32Type.Default,
        SqlType.Int8 => Int64Type.Default,
        SqlType.Float4 => FloatType.Default,
        SqlType.Float8 => DoubleType.Default,
        SqlType.Boolean => BooleanType.Default,
        SqlType.Text => StringType.Default,
        _ => BinaryType.Default,
    };
}
