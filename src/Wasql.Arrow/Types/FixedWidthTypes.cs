// Fixed-width types with a size parameter: FixedSizeBinary(byteWidth) and Decimal128(precision, scale).
// Decimal128 values are 16-byte little-endian two's complement unscaled integers.
namespace Wasql.Arrow.Types;

public sealed class FixedSizeBinaryType : ArrowType
{
    public FixedSizeBinaryType(int byteWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteWidth);
        ByteWidth = byteWidth;
    }

    public int ByteWidth { get; }
    public override ArrowTypeId Id => ArrowTypeId.FixedSizeBinary;
    public override int BitWidth => ByteWidth * 8;
    public override bool Equals(ArrowType? other) => other is FixedSizeBinaryType t && t.ByteWidth == ByteWidth;
    public override int GetHashCode() => HashCode.Combine(Id, ByteWidth);
    public override string ToString() => $"fixed_size_binary[{ByteWidth}]";
}

public sealed class Decimal128Type : ArrowType
{
    public Decimal128Type(int precision, int scale)
    {
        if (precision is < 1 or > 38) throw new ArgumentOutOfRangeException(nameof(precision), "precision must be 1..38");
        if (scale is < -38 or > 38) throw new ArgumentOutOfRangeException(nameof(scale), "scale must be -38..38");
        Precision = precision;
        Scale = scale;
    }

    public int Precision { get; }
    public int Scale { get; }
    public override ArrowTypeId Id => ArrowTypeId.Decimal128;
    public override int BitWidth => 128;
    public override bool Equals(ArrowType? other) =>
        other is Decimal128Type t && t.Precision == Precision && t.Scale == Scale;
    public override int GetHashCode() => HashCode.Combine(Id, Precision, Scale);
    public override string ToString() => $"decimal128({Precision}, {Scale})";
}
