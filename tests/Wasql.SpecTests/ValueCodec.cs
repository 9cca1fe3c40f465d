// Converts wast2json values to and from engine Values: argument parsing, expected-result patterns
// (exact bits, nan:canonical / nan:arithmetic, reference null-ness and host-reference identity, v128
// lanes) and the human-readable rendering used in failure messages.
using System.Globalization;
using System.Text.Json;
using Wasql.Wasm;

namespace Wasql.SpecTests;

/// <summary>A host reference created for externref values "N" in the JSON; equal by number.</summary>
public sealed record ExternRef(ulong Number)
{
    public override string ToString() => $"ref.extern {Number}";
}

/// <summary>One expected result of an assertion: a type plus a bit pattern or a special pattern.</summary>
public sealed class ExpectedValue
{
    public required ValType Type { get; init; }
    /// <summary>The JSON "value" text (null when absent: any value of the type matches).</summary>
    public string? Text { get; init; }
    /// <summary>For v128: the lane type ("i8".."f64") and the per-lane texts.</summary>
    public string? LaneType { get; init; }
    public string[]? Lanes { get; init; }
}

/// <summary>Parses, matches and formats values. One instance per file: it interns the host references.</summary>
public sealed class ValueCodec
{
    private readonly Dictionary<ulong, ExternRef> _refs = new();

    public ExternRef HostRef(ulong n)
    {
        if (!_refs.TryGetValue(n, out var r)) _refs[n] = r = new ExternRef(n);
        return r;
    }

    public static ValType ParseType(string name) => name switch
    {
        "i32" => ValType.I32,
        "i64" => ValType.I64,
        "f32" => ValType.F32,
        "f64" => ValType.F64,
        "v128" => ValType.V128,
        "funcref" => ValType.FuncRef,
        "externref" => ValType.ExternRef,
        _ => throw new NotSupportedException($"unknown value type '{name}'"),
    };

    /// <summary>An argument value: {"type": ..., "value": ...}.</summary>
    public Value ParseArg(JsonElement e)
    {
        var type = ParseType(e.GetProperty("type").GetString()!);
        var value = e.GetProperty("value");
        switch (type)
        {
            case ValType.I32: return Value.FromI32((int)(uint)ParseBits(value.GetString()!, 32));
            case ValType.I64: return Value.FromI64((long)ParseBits(value.GetString()!, 64));
            case ValType.F32: return Value.FromF32Bits((uint)ParseBits(value.GetString()!, 32));
            case ValType.F64: return Value.FromF64Bits(ParseBits(value.GetString()!, 64));
            case ValType.ExternRef:
            {
                var s = value.GetString()!;
                return s == "null" ? Value.Null(ValType.ExternRef) : Value.FromExternRef(HostRef(ulong.Parse(s, CultureInfo.InvariantCulture)));
            }
            case ValType.FuncRef:
            {
                var s = value.GetString()!;
                if (s == "null") return Value.Null(ValType.FuncRef);
                throw new NotSupportedException($"funcref argument '{s}' cannot be created by the runner");
            }
            case ValType.V128:
            {
                var lanes = value.EnumerateArray().Select(l => l.GetString()!).ToArray();
                var (lo, hi) = PackV128(e.GetProperty("lane_type").GetString()!, lanes);
                return Value.FromV128(lo, hi);
            }
        }
        throw new NotSupportedException($"argument type {type.Name()}");
    }

    public static ExpectedValue ParseExpected(JsonElement e)
    {
        var type = ParseType(e.GetProperty("type").GetString()!);
        if (!e.TryGetProperty("value", out var value)) return new ExpectedValue { Type = type };
        if (type == ValType.V128)
            return new ExpectedValue
            {
                Type = type,
                LaneType = e.GetProperty("lane_type").GetString(),
                Lanes = value.EnumerateArray().Select(l => l.GetString()!).ToArray(),
            };
        return new ExpectedValue { Type = type, Text = value.GetString() };
    }

    /// <summary>Does <paramref name="actual"/> satisfy <paramref name="expected"/>?</summary>
    public static bool Matches(ExpectedValue expected, Value actual)
    {
        if (actual.Type != expected.Type) return false;
        switch (expected.Type)
        {
            case ValType.I32:
                return expected.Text is null || (uint)actual.Bits == (uint)ParseBits(expected.Text, 32);
            case ValType.I64:
                return expected.Text is null || (ulong)actual.Bits == ParseBits(expected.Text, 64);
            case ValType.F32:
                return expected.Text is null || FloatMatches(expected.Text, (uint)actual.Bits, 32);
            case ValType.F64:
                return expected.Text is null || FloatMatches(expected.Text, (ulong)actual.Bits, 64);
            case ValType.ExternRef:
                if (expected.Text is null) return true;
                if (expected.Text == "null") return actual.Ref is null;
                return actual.Ref is ExternRef r && r.Number == ulong.Parse(expected.Text, CultureInfo.InvariantCulture);
            case ValType.FuncRef:
                if (expected.Text is null) return true;
                if (expected.Text == "null") return actual.Ref is null;
                return actual.Ref is not null;
            case ValType.V128:
                return expected.Lanes is null || V128Matches(expected.LaneType!, expected.Lanes, actual.Bits, actual.BitsHigh);
        }
        return false;
    }

    private static bool FloatMatches(string text, ulong bits, int width)
    {
        ulong signMask = width == 32 ? 0x8000_0000UL : 0x8000_0000_0000_0000UL;
        ulong canonical = width == 32 ? 0x7fc0_0000UL : 0x7ff8_0000_0000_0000UL;
        return text switch
        {
            // Canonical NaN: exactly the quiet bit in the payload, either sign.
            "nan:canonical" => (bits & ~signMask) == canonical,
            // Arithmetic NaN: exponent all ones and the quiet bit set; any other payload bits, either sign.
            "nan:arithmetic" => (bits & canonical) == canonical,
            _ => bits == ParseBits(text, width),
        };
    }

    private static int LaneBits(string laneType) => laneType switch
    {
        "i8" => 8,
        "i16" => 16,
        "i32" or "f32" => 32,
        "i64" or "f64" => 64,
        _ => throw new NotSupportedException($"unknown v128 lane type '{laneType}'"),
    };

    private static bool V128Matches(string laneType, string[] lanes, long lo, long hi)
    {
        int w = LaneBits(laneType);
        if (lanes.Length * w != 128) return false;
        for (int i = 0; i < lanes.Length; i++)
        {
            ulong lane = ExtractLane(lo, hi, i, w);
            bool ok = laneType is "f32" or "f64" ? FloatMatches(lanes[i], lane, w) : lane == ParseBits(lanes[i], w);
            if (!ok) return false;
        }
        return true;
    }

    private static ulong ExtractLane(long lo, long hi, int index, int width)
    {
        int bit = index * width;
        ulong word = bit < 64 ? (ulong)lo : (ulong)hi;
        int shift = bit % 64;
        ulong mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        return (word >> shift) & mask;
    }

    private static (long Lo, long Hi) PackV128(string laneType, string[] lanes)
    {
        int w = LaneBits(laneType);
        if (lanes.Length * w != 128) throw new FormatException($"v128 with {lanes.Length} lanes of {laneType}");
        ulong lo = 0, hi = 0;
        ulong mask = w == 64 ? ulong.MaxValue : (1UL << w) - 1;
        for (int i = 0; i < lanes.Length; i++)
        {
            int bit = i * w;
            ulong v = ParseBits(lanes[i], w) & mask;
            if (bit < 64) lo |= v << bit;
            else hi |= v << (bit - 64);
        }
        return ((long)lo, (long)hi);
    }

    /// <summary>A decimal bit pattern (wast2json writes unsigned; a leading '-' is accepted too), truncated to width.</summary>
    public static ulong ParseBits(string text, int width)
    {
        ulong v = text.StartsWith('-')
            ? (ulong)long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return width == 64 ? v : v & ((1UL << width) - 1);
    }

    public static string Format(Value v) => v.Type switch
    {
        ValType.I32 => $"i32:{(int)v.Bits} (0x{(uint)v.Bits:x})",
        ValType.I64 => $"i64:{v.Bits} (0x{(ulong)v.Bits:x})",
        ValType.F32 => $"f32:{FormatFloat(BitConverter.Int32BitsToSingle((int)v.Bits))} (0x{(uint)v.Bits:x8})",
        ValType.F64 => $"f64:{FormatFloat(BitConverter.Int64BitsToDouble(v.Bits))} (0x{(ulong)v.Bits:x16})",
        ValType.V128 => $"v128:0x{(ulong)v.BitsHigh:x16}{(ulong)v.Bits:x16}",
        ValType.ExternRef => v.Ref switch { null => "externref:null", ExternRef r => $"externref:{r.Number}", var o => $"externref:<{o.GetType().Name}>" },
        ValType.FuncRef => v.Ref is null ? "funcref:null" : $"funcref:<{(v.Ref as Function)?.Name ?? v.Ref.GetType().Name}>",
        _ => $"{v}",
    };

    public static string Format(ExpectedValue e)
    {
        if (e.Type == ValType.V128)
            return e.Lanes is null ? "v128:any" : $"v128:{e.LaneType}x{e.Lanes.Length}[{string.Join(" ", e.Lanes)}]";
        if (e.Text is null) return $"{e.Type.Name()}:any";
        if (e.Text.StartsWith("nan:", StringComparison.Ordinal)) return $"{e.Type.Name()}:{e.Text}";
        try
        {
            return e.Type switch
            {
                ValType.I32 => Format(Value.FromI32((int)(uint)ParseBits(e.Text, 32))),
                ValType.I64 => Format(Value.FromI64((long)ParseBits(e.Text, 64))),
                ValType.F32 => Format(Value.FromF32Bits((uint)ParseBits(e.Text, 32))),
                ValType.F64 => Format(Value.FromF64Bits(ParseBits(e.Text, 64))),
                ValType.FuncRef when e.Text != "null" => "funcref:non-null",
                _ => $"{e.Type.Name()}:{e.Text}",
            };
        }
        catch (FormatException)
        {
            return $"{e.Type.Name()}:{e.Text}";
        }
    }

    private static string FormatFloat(double d) =>
        double.IsNaN(d) ? "nan" : d.ToString("R", CultureInfo.InvariantCulture);

    private static string FormatFloat(float f) =>
        float.IsNaN(f) ? "nan" : f.ToString("R", CultureInfo.InvariantCulture);

    public static string FormatList(IEnumerable<string> items) => "[" + string.Join(", ", items) + "]";
}
