// Function signatures; structural equality so an engine can canonicalise them into small integer ids.
namespace Wasql.Wasm;

public sealed class FuncType : IEquatable<FuncType>
{
    public static readonly FuncType Empty = new([], []);

    public ValType[] Params { get; }
    public ValType[] Results { get; }

    public FuncType(ValType[] parameters, ValType[] results)
    {
        Params = parameters;
        Results = results;
    }

    public bool Equals(FuncType? other) =>
        other is not null && Params.AsSpan().SequenceEqual(other.Params) && Results.AsSpan().SequenceEqual(other.Results);

    public override bool Equals(object? obj) => obj is FuncType f && Equals(f);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var p in Params) h.Add(p);
        h.Add(0xFF);
        foreach (var r in Results) h.Add(r);
        return h.ToHashCode();
    }

    public override string ToString() =>
        $"[{string.Join(" ", Params.Select(p => p.Name()))}] -> [{string.Join(" ", Results.Select(r => r.Name()))}]";
}

/// <summary>Size limits of a memory (in 64 KiB pages) or table (in elements).</summary>
public readonly record struct Limits(uint Min, uint? Max)
{
    /// <summary>Import matching: this (the provided extern) is a subtype of <paramref name="required"/>.</summary>
    public bool IsSubtypeOf(Limits required) =>
        Min >= required.Min && (required.Max is null || (Max is not null && Max.Value <= required.Max.Value));

    public override string ToString() => Max is null ? $"{Min}.." : $"{Min}..{Max}";
}

public sealed record TableType(ValType ElementType, Limits Limits);

public sealed record MemoryType(Limits Limits);

public readonly record struct GlobalType(ValType Type, bool Mutable)
{
    public override string ToString() => Mutable ? $"(mut {Type.Name()})" : Type.Name();
}
