// Builds Null-typed arrays: only a length.
using Wasql.Arrow.Arrays;
using Wasql.Arrow.Types;

namespace Wasql.Arrow.Builders;

public sealed class NullArrayBuilder : IArrayBuilder
{
    public ArrowType Type => ArrowType.Null;
    public int Length { get; private set; }
    public void AppendNull() => Length++;

    public void AppendObject(object? value)
    {
        if (value is not null) throw new ArgumentException("a Null array holds only NULLs");
        Length++;
    }

    public ArrowArray Build()
    {
        var a = new NullArray(Length);
        Length = 0;
        return a;
    }
}
