// The SIMD (v128) instructions with wasm semantics, one method per instruction, named after it
// (i8x16.add_sat_s -> I8x16AddSatS; FunctionCompiler.Simd.cs finds them by that name). v128 is
// Vector128<byte> throughout. Lane-wise operations use the portable Vector128 API, which RyuJIT maps to
// SSE/AVX; where wasm differs from what .NET or the hardware does (NaN rules of min/max, saturating
// conversions, q15mulr, swizzle's out-of-range lanes, unsigned conversions) the method spells the wasm
// rule out, using Sse2/Ssse3/Sse41 directly when available and a scalar loop otherwise.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace Wasql.Wasm.Vm;

public static unsafe partial class VmHelpers
{
    private const MethodImplOptions Inl = MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization;

    // ---- constants, memory ----------------------------------------------------------------------
    [MethodImpl(Inl)] public static V V128Const(long low, long high) => Vector128.Create(low, high).AsByte();
    [MethodImpl(Inl)] public static V V128Load(nint p) => Unsafe.ReadUnaligned<V>((void*)p);
    [MethodImpl(Inl)] public static void V128Store(nint p, V v) => Unsafe.WriteUnaligned((void*)p, v);
    [MethodImpl(Inl)] private static Vector128<long> Load64(nint p) => Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>((void*)p));
    [MethodImpl(Inl)] public static V V128Load8x8S(nint p) => Vector128.WidenLower(Load64(p).AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V V128Load8x8U(nint p) => Vector128.WidenLower(Load64(p).AsByte()).AsByte();
    [MethodImpl(Inl)] public static V V128Load16x4S(nint p) => Vector128.WidenLower(Load64(p).AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V V128Load16x4U(nint p) => Vector128.WidenLower(Load64(p).AsUInt16()).AsByte();
    [MethodImpl(Inl)] public static V V128Load32x2S(nint p) => Vector128.WidenLower(Load64(p).AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V V128Load32x2U(nint p) => Vector128.WidenLower(Load64(p).AsUInt32()).AsByte();
    [MethodImpl(Inl)] public static V V128Load8Splat(nint p) => Vector128.Create(*(byte*)p);
    [MethodImpl(Inl)] public static V V128Load16Splat(nint p) => Vector128.Create(Unsafe.ReadUnaligned<ushort>((void*)p)).AsByte();
    [MethodImpl(Inl)] public static V V128Load32Splat(nint p) => Vector128.Create(Unsafe.ReadUnaligned<uint>((void*)p)).AsByte();
    [MethodImpl(Inl)] public static V V128Load64Splat(nint p) => Vector128.Create(Unsafe.ReadUnaligned<ulong>((void*)p)).AsByte();
    [MethodImpl(Inl)] public static V V128Load32Zero(nint p) => Vector128.CreateScalar(Unsafe.ReadUnaligned<uint>((void*)p)).AsByte();
    [MethodImpl(Inl)] public static V V128Load64Zero(nint p) => Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>((void*)p)).AsByte();
    [MethodImpl(Inl)] public static V V128Load8Lane(nint p, V v, int lane) => v.WithElement(lane, *(byte*)p);
    [MethodImpl(Inl)] public static V V128Load16Lane(nint p, V v, int lane) => v.AsUInt16().WithElement(lane, Unsafe.ReadUnaligned<ushort>((void*)p)).AsByte();
    [MethodImpl(Inl)] public static V V128Load32Lane(nint p, V v, int lane) => v.AsUInt32().WithElement(lane, Unsafe.ReadUnaligned<uint>((void*)p)).AsByte();
    [MethodImpl(Inl)] public static V V128Load64Lane(nint p, V v, int lane) => v.AsUInt64().WithElement(lane, Unsafe.ReadUnaligned<ulong>((void*)p)).AsByte();
    [MethodImpl(Inl)] public static void V128Store8Lane(nint p, V v, int lane) => *(byte*)p = v.GetElement(lane);
    [MethodImpl(Inl)] public static void V128Store16Lane(nint p, V v, int lane) => Unsafe.WriteUnaligned((void*)p, v.AsUInt16().GetElement(lane));
    [MethodImpl(Inl)] public static void V128Store32Lane(nint p, V v, int lane) => Unsafe.WriteUnaligned((void*)p, v.AsUInt32().GetElement(lane));
    [MethodImpl(Inl)] public static void V128Store64Lane(nint p, V v, int lane) => Unsafe.WriteUnaligned((void*)p, v.AsUInt64().GetElement(lane));

    // ---- bitwise ----------------------------------------------------------------------------------
    [MethodImpl(Inl)] public static V V128Not(V a) => ~a;
    [MethodImpl(Inl)] public static V V128And(V a, V b) => a & b;
    [MethodImpl(Inl)] public static V V128Andnot(V a, V b) => Vector128.AndNot(a, b);
    [MethodImpl(Inl)] public static V V128Or(V a, V b) => a | b;
    [MethodImpl(Inl)] public static V V128Xor(V a, V b) => a ^ b;
    [MethodImpl(Inl)] public static V V128Bitselect(V a, V b, V c) => Vector128.ConditionalSelect(c, a, b);
    [MethodImpl(Inl)] public static int V128AnyTrue(V a) => a == V.Zero ? 0 : 1;

    // ---- shuffles ---------------------------------------------------------------------------------
    /// <summary>i8x16.shuffle with its lanes pre-split into two pshufb masks (0x80 zeroes a lane).</summary>
    [MethodImpl(Inl)]
    public static V I8x16Shuffle(V a, V b, V maskA, V maskB) => Ssse3.IsSupported
        ? Ssse3.Shuffle(a, maskA) | Ssse3.Shuffle(b, maskB)
        : Vector128.Shuffle(a, maskA) | Vector128.Shuffle(b, maskB);

    /// <summary>Indices of 16 or more select 0: saturating +0x70 pushes them to 0x80+, which pshufb zeroes.</summary>
    [MethodImpl(Inl)]
    public static V I8x16Swizzle(V a, V s) => Ssse3.IsSupported
        ? Ssse3.Shuffle(a, Sse2.AddSaturate(s, Vector128.Create((byte)0x70)))
        : Vector128.Shuffle(a, s);

    // ---- integer specials ---------------------------------------------------------------------------
    [MethodImpl(Inl)]
    public static V I8x16Popcnt(V a)
    {
        if (Ssse3.IsSupported)
        {
            var lut = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
            var nib = Vector128.Create((byte)0x0F);
            return Ssse3.Shuffle(lut, a & nib) + Ssse3.Shuffle(lut, Vector128.ShiftRightLogical(a.AsUInt16(), 4).AsByte() & nib);
        }
        V r = default;
        for (int i = 0; i < 16; i++) r = r.WithElement(i, (byte)System.Numerics.BitOperations.PopCount(a.GetElement(i)));
        return r;
    }

    [MethodImpl(Inl)] public static V I8x16AvgrU(V a, V b) => Sse2.IsSupported ? Sse2.Average(a, b) : (a | b) - Vector128.ShiftRightLogical(a ^ b, 1);
    [MethodImpl(Inl)]
    public static V I16x8AvgrU(V a, V b) => Sse2.IsSupported ? Sse2.Average(a.AsUInt16(), b.AsUInt16()).AsByte()
        : ((a.AsUInt16() | b.AsUInt16()) - Vector128.ShiftRightLogical(a.AsUInt16() ^ b.AsUInt16(), 1)).AsByte();

    [MethodImpl(Inl)]
    public static V I8x16AddSatS(V a, V b)
    {
        if (Sse2.IsSupported) return Sse2.AddSaturate(a.AsSByte(), b.AsSByte()).AsByte();
        var r = Vector128<sbyte>.Zero;
        for (int i = 0; i < 16; i++) r = r.WithElement(i, (sbyte)Math.Clamp(a.AsSByte()[i] + b.AsSByte()[i], sbyte.MinValue, sbyte.MaxValue));
        return r.AsByte();
    }

    [MethodImpl(Inl)]
    public static V I8x16AddSatU(V a, V b)
    {
        if (Sse2.IsSupported) return Sse2.AddSaturate(a, b);
        var s = a + b;
        return s | Vector128.LessThan(s, a);
    }

    [MethodImpl(Inl)]
    public static V I8x16SubSatS(V a, V b)
    {
        if (Sse2.IsSupported) return Sse2.SubtractSaturate(a.AsSByte(), b.AsSByte()).AsByte();
        var r = Vector128<sbyte>.Zero;
        for (int i = 0; i < 16; i++) r = r.WithElement(i, (sbyte)Math.Clamp(a.AsSByte()[i] - b.AsSByte()[i], sbyte.MinValue, sbyte.MaxValue));
        return r.AsByte();
    }

    [MethodImpl(Inl)]
    public static V I8x16SubSatU(V a, V b) => Sse2.IsSupported ? Sse2.SubtractSaturate(a, b) : Vector128.AndNot(a - b, Vector128.GreaterThan(b, a));

    [MethodImpl(Inl)]
    public static V I16x8AddSatS(V a, V b)
    {
        if (Sse2.IsSupported) return Sse2.AddSaturate(a.AsInt16(), b.AsInt16()).AsByte();
        var r = Vector128<short>.Zero;
        for (int i = 0; i < 8; i++) r = r.WithElement(i, (short)Math.Clamp(a.AsInt16()[i] + b.AsInt16()[i], short.MinValue, short.MaxValue));
        return r.AsByte();
    }

    [MethodImpl(Inl)]
    public static V I16x8AddSatU(V a, V b)
    {
        if (Sse2.IsSupported) return Sse2.AddSaturate(a.AsUInt16(), b.AsUInt16()).AsByte();
        var s = a.AsUInt16() + b.AsUInt16();
        return (s | Vector128.LessThan(s, a.AsUInt16())).AsByte();
    }

    [MethodImpl(Inl)]
    public static V I16x8SubSatS(V a, V b)
    {
        if (Sse2.IsSupported) return Sse2.SubtractSaturate(a.AsInt16(), b.AsInt16()).AsByte();
        var r = Vector128<short>.Zero;
        for (int i = 0; i < 8; i++) r = r.WithElement(i, (short)Math.Clamp(a.AsInt16()[i] - b.AsInt16()[i], short.MinValue, short.MaxValue));
        return r.AsByte();
    }

    [MethodImpl(Inl)]
    public static V I16x8SubSatU(V a, V b) => Sse2.IsSupported ? Sse2.SubtractSaturate(a.AsUInt16(), b.AsUInt16()).AsByte()
        : Vector128.AndNot(a.AsUInt16() - b.AsUInt16(), Vector128.GreaterThan(b.AsUInt16(), a.AsUInt16())).AsByte();

    [MethodImpl(Inl)]
    public static V I8x16NarrowI16x8S(V a, V b)
    {
        if (Sse2.IsSupported) return Sse2.PackSignedSaturate(a.AsInt16(), b.AsInt16()).AsByte();
        var lo = Vector128.Min(Vector128.Max(a.AsInt16(), Vector128.Create((short)sbyte.MinValue)), Vector128.Create((short)sbyte.MaxValue));
        var hi = Vector128.Min(Vector128.Max(b.AsInt16(), Vector128.Create((short)sbyte.MinValue)), Vector128.Create((short)sbyte.MaxValue));
        return Vector128.Narrow(lo, hi).AsByte();
    }

    [MethodImpl(Inl)]
    public static V I8x16NarrowI16x8U(V a, V b)
    {
        if (Sse2.IsSupported) return Sse2.PackUnsignedSaturate(a.AsInt16(), b.AsInt16());
        var lo = Vector128.Min(Vector128.Max(a.AsInt16(), Vector128<short>.Zero), Vector128.Create((short)byte.MaxValue));
        var hi = Vector128.Min(Vector128.Max(b.AsInt16(), Vector128<short>.Zero), Vector128.Create((short)byte.MaxValue));
        return Vector128.Narrow(lo.AsUInt16(), hi.AsUInt16());
    }

    [MethodImpl(Inl)]
    public static V I16x8NarrowI32x4S(V a, V b)
    {
        if (Sse2.IsSupported) return Sse2.PackSignedSaturate(a.AsInt32(), b.AsInt32()).AsByte();
        var lo = Vector128.Min(Vector128.Max(a.AsInt32(), Vector128.Create((int)short.MinValue)), Vector128.Create((int)short.MaxValue));
        var hi = Vector128.Min(Vector128.Max(b.AsInt32(), Vector128.Create((int)short.MinValue)), Vector128.Create((int)short.MaxValue));
        return Vector128.Narrow(lo, hi).AsByte();
    }

    [MethodImpl(Inl)]
    public static V I16x8NarrowI32x4U(V a, V b)
    {
        if (Sse41.IsSupported) return Sse41.PackUnsignedSaturate(a.AsInt32(), b.AsInt32()).AsByte();
        var lo = Vector128.Min(Vector128.Max(a.AsInt32(), Vector128<int>.Zero), Vector128.Create((int)ushort.MaxValue));
        var hi = Vector128.Min(Vector128.Max(b.AsInt32(), Vector128<int>.Zero), Vector128.Create((int)ushort.MaxValue));
        return Vector128.Narrow(lo.AsUInt32(), hi.AsUInt32()).AsByte();
    }

    /// <summary>(a*b + 2^14) >> 15 per lane, saturated: pmulhrsw, whose only overflow (-2^15 squared) gives 0x8000.</summary>
    [MethodImpl(Inl)]
    public static V I16x8Q15mulrSatS(V a, V b)
    {
        if (Ssse3.IsSupported)
        {
            var r = Ssse3.MultiplyHighRoundScale(a.AsInt16(), b.AsInt16());
            return (r ^ Vector128.Equals(r, Vector128.Create(short.MinValue))).AsByte();
        }
        var x = Vector128<short>.Zero;
        for (int i = 0; i < 8; i++)
            x = x.WithElement(i, (short)Math.Clamp((a.AsInt16()[i] * b.AsInt16()[i] + 0x4000) >> 15, short.MinValue, short.MaxValue));
        return x.AsByte();
    }

    [MethodImpl(Inl)]
    public static V I16x8ExtaddPairwiseI8x16S(V a)
    {
        if (Ssse3.IsSupported) return Ssse3.MultiplyAddAdjacent(Vector128.Create((byte)1), a.AsSByte()).AsByte();
        return PairwiseAdd(Vector128.WidenLower(a.AsSByte()), Vector128.WidenUpper(a.AsSByte())).AsByte();
    }

    [MethodImpl(Inl)]
    public static V I16x8ExtaddPairwiseI8x16U(V a)
    {
        if (Ssse3.IsSupported) return Ssse3.MultiplyAddAdjacent(a, Vector128.Create((sbyte)1)).AsByte();
        return PairwiseAdd(Vector128.WidenLower(a), Vector128.WidenUpper(a)).AsByte();
    }

    [MethodImpl(Inl)]
    public static V I32x4ExtaddPairwiseI16x8S(V a)
    {
        if (Sse2.IsSupported) return Sse2.MultiplyAddAdjacent(a.AsInt16(), Vector128.Create((short)1)).AsByte();
        return PairwiseAdd(Vector128.WidenLower(a.AsInt16()), Vector128.WidenUpper(a.AsInt16())).AsByte();
    }

    [MethodImpl(Inl)]
    public static V I32x4ExtaddPairwiseI16x8U(V a)
    {
        if (Sse2.IsSupported)
        {
            // Bias to signed, add pairs with pmaddwd, then undo the bias (2 x 32768 per pair).
            var biased = (a.AsUInt16() ^ Vector128.Create((ushort)0x8000)).AsInt16();
            return (Sse2.MultiplyAddAdjacent(biased, Vector128.Create((short)1)) + Vector128.Create(0x10000)).AsByte();
        }
        return PairwiseAdd(Vector128.WidenLower(a.AsUInt16()), Vector128.WidenUpper(a.AsUInt16())).AsByte();
    }

    /// <summary>Adjacent pairs of the 2n lanes lo:hi added, as n lanes (portable path).</summary>
    [MethodImpl(Inl)]
    private static Vector128<T> PairwiseAdd<T>(Vector128<T> lo, Vector128<T> hi) where T : System.Numerics.IAdditionOperators<T, T, T>
    {
        int n = Vector128<T>.Count;
        var r = Vector128<T>.Zero;
        for (int i = 0; i < n; i++)
        {
            var src = i < n / 2 ? lo : hi;
            int j = (i % (n / 2)) * 2;
            r = r.WithElement(i, src.GetElement(j) + src.GetElement(j + 1));
        }
        return r;
    }

    [MethodImpl(Inl)]
    public static V I32x4DotI16x8S(V a, V b)
    {
        if (Sse2.IsSupported) return Sse2.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16()).AsByte();
        var lo = Vector128.WidenLower(a.AsInt16()) * Vector128.WidenLower(b.AsInt16());
        var hi = Vector128.WidenUpper(a.AsInt16()) * Vector128.WidenUpper(b.AsInt16());
        return PairwiseAdd(lo, hi).AsByte();
    }

    // ---- float specials -----------------------------------------------------------------------------
    // min/max: NaN if either lane is NaN (a + b: quiet, and canonical when the inputs are), -0 < +0.
    // minps returns its second operand for NaNs and equal values; both operand orders OR-ed (min) or
    // AND-ed (max) settle the signed zeros.
    [MethodImpl(Inl)]
    public static V F32x4Min(V a, V b)
    {
        Vector128<float> x = a.AsSingle(), y = b.AsSingle();
        var m = Sse.IsSupported ? Sse.Min(x, y) | Sse.Min(y, x) : Vector128.Min(x, y);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x) & Vector128.Equals(y, y), m, x + y).AsByte();
    }

    [MethodImpl(Inl)]
    public static V F32x4Max(V a, V b)
    {
        Vector128<float> x = a.AsSingle(), y = b.AsSingle();
        var m = Sse.IsSupported ? Sse.Max(x, y) & Sse.Max(y, x) : Vector128.Max(x, y);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x) & Vector128.Equals(y, y), m, x + y).AsByte();
    }

    [MethodImpl(Inl)]
    public static V F64x2Min(V a, V b)
    {
        Vector128<double> x = a.AsDouble(), y = b.AsDouble();
        var m = Sse2.IsSupported ? Sse2.Min(x, y) | Sse2.Min(y, x) : Vector128.Min(x, y);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x) & Vector128.Equals(y, y), m, x + y).AsByte();
    }

    [MethodImpl(Inl)]
    public static V F64x2Max(V a, V b)
    {
        Vector128<double> x = a.AsDouble(), y = b.AsDouble();
        var m = Sse2.IsSupported ? Sse2.Max(x, y) & Sse2.Max(y, x) : Vector128.Max(x, y);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x) & Vector128.Equals(y, y), m, x + y).AsByte();
    }

    // ---- conversions ----------------------------------------------------------------------------------
    /// <summary>cvttps2dq gives 0x80000000 for NaN and out-of-range lanes: flip it to MaxValue where the lane
    /// was at least 2^31, and zero NaN lanes.</summary>
    [MethodImpl(Inl)]
    public static V I32x4TruncSatF32x4S(V a)
    {
        var x = a.AsSingle();
        if (Sse2.IsSupported)
        {
            var t = Sse2.ConvertToVector128Int32WithTruncation(x);
            t ^= Vector128.GreaterThanOrEqual(x, Vector128.Create(2147483648f)).AsInt32();
            return (t & Vector128.Equals(x, x).AsInt32()).AsByte();
        }
        return Vector128.Create(I32TruncSatF32S(x[0]), I32TruncSatF32S(x[1]), I32TruncSatF32S(x[2]), I32TruncSatF32S(x[3])).AsByte();
    }

    [MethodImpl(Inl)]
    public static V I32x4TruncSatF32x4U(V a)
    {
        var x = a.AsSingle();
        if (Sse2.IsSupported)
        {
            // Lanes below 2^31 convert directly; lanes in [2^31, 2^32) convert after subtracting 2^31 and get
            // the top bit back; NaN and negative lanes clamp to 0, lanes from 2^32 on to all ones.
            var c = Vector128.Max(x, Vector128<float>.Zero); // maxps(x, 0) gives 0 for NaN x
            var two31 = Vector128.Create(2147483648f);
            var big = Vector128.GreaterThanOrEqual(c, two31);
            var lo = Sse2.ConvertToVector128Int32WithTruncation(c);
            var hi = Sse2.ConvertToVector128Int32WithTruncation(c - two31) ^ Vector128.Create(int.MinValue);
            var r = Vector128.ConditionalSelect(big.AsInt32(), hi, lo);
            r |= Vector128.GreaterThanOrEqual(c, Vector128.Create(4294967296f)).AsInt32();
            return (r & Vector128.Equals(x, x).AsInt32()).AsByte();
        }
        return Vector128.Create(I32TruncSatF32U(x[0]), I32TruncSatF32U(x[1]), I32TruncSatF32U(x[2]), I32TruncSatF32U(x[3])).AsByte();
    }

    [MethodImpl(Inl)]
    public static V I32x4TruncSatF64x2SZero(V a)
    {
        var x = a.AsDouble();
        return Vector128.Create(I32TruncSatF64S(x[0]), I32TruncSatF64S(x[1]), 0, 0).AsByte();
    }

    [MethodImpl(Inl)]
    public static V I32x4TruncSatF64x2UZero(V a)
    {
        var x = a.AsDouble();
        return Vector128.Create(I32TruncSatF64U(x[0]), I32TruncSatF64U(x[1]), 0, 0).AsByte();
    }

    [MethodImpl(Inl)] public static V F32x4ConvertI32x4S(V a) => Vector128.ConvertToSingle(a.AsInt32()).AsByte();

    /// <summary>Each 32-bit lane as hi16 * 2^16 + lo16: both parts and the scaling are exact, so the one
    /// rounding is the final add, as wasm requires.</summary>
    [MethodImpl(Inl)]
    public static V F32x4ConvertI32x4U(V a)
    {
        var u = a.AsInt32();
        var hi = Vector128.ConvertToSingle(Vector128.ShiftRightLogical(u, 16)) * Vector128.Create(65536f);
        var lo = Vector128.ConvertToSingle(u & Vector128.Create(0xFFFF));
        return (hi + lo).AsByte();
    }

    [MethodImpl(Inl)]
    public static V F64x2ConvertLowI32x4S(V a) => Sse2.IsSupported ? Sse2.ConvertToVector128Double(a.AsInt32()).AsByte()
        : Vector128.Create((double)a.AsInt32()[0], a.AsInt32()[1]).AsByte();

    [MethodImpl(Inl)]
    public static V F64x2ConvertLowI32x4U(V a) => Vector128.Create((double)a.AsUInt32()[0], a.AsUInt32()[1]).AsByte();

    [MethodImpl(Inl)]
    public static V F32x4DemoteF64x2Zero(V a)
    {
        if (Sse2.IsSupported) return Sse2.ConvertToVector128Single(a.AsDouble()).AsByte();
        var x = a.AsDouble();
        return Vector128.Create(F32DemoteF64(x[0]), F32DemoteF64(x[1]), 0f, 0f).AsByte();
    }

    [MethodImpl(Inl)]
    public static V F64x2PromoteLowF32x4(V a)
    {
        if (Sse2.IsSupported) return Sse2.ConvertToVector128Double(a.AsSingle()).AsByte();
        var x = a.AsSingle();
        return Vector128.Create(F64PromoteF32(x[0]), F64PromoteF32(x[1])).AsByte();
    }

    // Float arithmetic with a constant operand, out of the JIT's sight (see FunctionCompiler.Simd.cs).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static V F32x4AddNoFold(V a, V b) => F32x4Add(a, b);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static V F32x4SubNoFold(V a, V b) => F32x4Sub(a, b);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static V F32x4MulNoFold(V a, V b) => F32x4Mul(a, b);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static V F32x4DivNoFold(V a, V b) => F32x4Div(a, b);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static V F64x2AddNoFold(V a, V b) => F64x2Add(a, b);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static V F64x2SubNoFold(V a, V b) => F64x2Sub(a, b);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static V F64x2MulNoFold(V a, V b) => F64x2Mul(a, b);
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] public static V F64x2DivNoFold(V a, V b) => F64x2Div(a, b);

    // ---- generated from the instruction table: comparisons, lane-wise arithmetic, shifts, lanes ------------
    [MethodImpl(Inl)] public static V I8x16Eq(V a, V b) => Vector128.Equals(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16Ne(V a, V b) => ~Vector128.Equals(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16LtS(V a, V b) => Vector128.LessThan(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16LtU(V a, V b) => Vector128.LessThan(a.AsByte(), b.AsByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16GtS(V a, V b) => Vector128.GreaterThan(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16GtU(V a, V b) => Vector128.GreaterThan(a.AsByte(), b.AsByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16LeS(V a, V b) => Vector128.LessThanOrEqual(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16LeU(V a, V b) => Vector128.LessThanOrEqual(a.AsByte(), b.AsByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16GeS(V a, V b) => Vector128.GreaterThanOrEqual(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16GeU(V a, V b) => Vector128.GreaterThanOrEqual(a.AsByte(), b.AsByte()).AsByte();
    [MethodImpl(Inl)] public static V I16x8Eq(V a, V b) => Vector128.Equals(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8Ne(V a, V b) => ~Vector128.Equals(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8LtS(V a, V b) => Vector128.LessThan(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8LtU(V a, V b) => Vector128.LessThan(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8GtS(V a, V b) => Vector128.GreaterThan(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8GtU(V a, V b) => Vector128.GreaterThan(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8LeS(V a, V b) => Vector128.LessThanOrEqual(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8LeU(V a, V b) => Vector128.LessThanOrEqual(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8GeS(V a, V b) => Vector128.GreaterThanOrEqual(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8GeU(V a, V b) => Vector128.GreaterThanOrEqual(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(Inl)] public static V I32x4Eq(V a, V b) => Vector128.Equals(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4Ne(V a, V b) => ~Vector128.Equals(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4LtS(V a, V b) => Vector128.LessThan(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4LtU(V a, V b) => Vector128.LessThan(a.AsUInt32(), b.AsUInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4GtS(V a, V b) => Vector128.GreaterThan(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4GtU(V a, V b) => Vector128.GreaterThan(a.AsUInt32(), b.AsUInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4LeS(V a, V b) => Vector128.LessThanOrEqual(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4LeU(V a, V b) => Vector128.LessThanOrEqual(a.AsUInt32(), b.AsUInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4GeS(V a, V b) => Vector128.GreaterThanOrEqual(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4GeU(V a, V b) => Vector128.GreaterThanOrEqual(a.AsUInt32(), b.AsUInt32()).AsByte();
    [MethodImpl(Inl)] public static V I64x2Eq(V a, V b) => Vector128.Equals(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(Inl)] public static V I64x2Ne(V a, V b) => ~Vector128.Equals(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(Inl)] public static V I64x2LtS(V a, V b) => Vector128.LessThan(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(Inl)] public static V I64x2GtS(V a, V b) => Vector128.GreaterThan(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(Inl)] public static V I64x2LeS(V a, V b) => Vector128.LessThanOrEqual(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(Inl)] public static V I64x2GeS(V a, V b) => Vector128.GreaterThanOrEqual(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Eq(V a, V b) => Vector128.Equals(a.AsSingle(), b.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Ne(V a, V b) => ~Vector128.Equals(a.AsSingle(), b.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Lt(V a, V b) => Vector128.LessThan(a.AsSingle(), b.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Gt(V a, V b) => Vector128.GreaterThan(a.AsSingle(), b.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Le(V a, V b) => Vector128.LessThanOrEqual(a.AsSingle(), b.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Ge(V a, V b) => Vector128.GreaterThanOrEqual(a.AsSingle(), b.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Eq(V a, V b) => Vector128.Equals(a.AsDouble(), b.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Ne(V a, V b) => ~Vector128.Equals(a.AsDouble(), b.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Lt(V a, V b) => Vector128.LessThan(a.AsDouble(), b.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Gt(V a, V b) => Vector128.GreaterThan(a.AsDouble(), b.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Le(V a, V b) => Vector128.LessThanOrEqual(a.AsDouble(), b.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Ge(V a, V b) => Vector128.GreaterThanOrEqual(a.AsDouble(), b.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V I8x16Add(V a, V b) => (a.AsSByte() + b.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16Sub(V a, V b) => (a.AsSByte() - b.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16Abs(V a) => Vector128.Abs(a.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16Neg(V a) => (-a.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16MinS(V a, V b) => Vector128.Min(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16MinU(V a, V b) => Vector128.Min(a.AsByte(), b.AsByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16MaxS(V a, V b) => Vector128.Max(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16MaxU(V a, V b) => Vector128.Max(a.AsByte(), b.AsByte()).AsByte();
    [MethodImpl(Inl)] public static V I8x16Shl(V a, int n) => Vector128.ShiftLeft(a.AsSByte(), n & 7).AsByte();
    [MethodImpl(Inl)] public static V I8x16ShrS(V a, int n) => Vector128.ShiftRightArithmetic(a.AsSByte(), n & 7).AsByte();
    [MethodImpl(Inl)] public static V I8x16ShrU(V a, int n) => Vector128.ShiftRightLogical(a.AsByte(), n & 7).AsByte();
    [MethodImpl(Inl)] public static int I8x16AllTrue(V a) => Vector128.EqualsAny(a.AsSByte(), Vector128<sbyte>.Zero) ? 0 : 1;
    [MethodImpl(Inl)] public static int I8x16Bitmask(V a) => (int)Vector128.ExtractMostSignificantBits(a.AsSByte());
    [MethodImpl(Inl)] public static V I16x8Add(V a, V b) => (a.AsInt16() + b.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8Sub(V a, V b) => (a.AsInt16() - b.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8Mul(V a, V b) => (a.AsInt16() * b.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8Abs(V a) => Vector128.Abs(a.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8Neg(V a) => (-a.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8MinS(V a, V b) => Vector128.Min(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8MinU(V a, V b) => Vector128.Min(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8MaxS(V a, V b) => Vector128.Max(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8MaxU(V a, V b) => Vector128.Max(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(Inl)] public static V I16x8Shl(V a, int n) => Vector128.ShiftLeft(a.AsInt16(), n & 15).AsByte();
    [MethodImpl(Inl)] public static V I16x8ShrS(V a, int n) => Vector128.ShiftRightArithmetic(a.AsInt16(), n & 15).AsByte();
    [MethodImpl(Inl)] public static V I16x8ShrU(V a, int n) => Vector128.ShiftRightLogical(a.AsUInt16(), n & 15).AsByte();
    [MethodImpl(Inl)] public static int I16x8AllTrue(V a) => Vector128.EqualsAny(a.AsInt16(), Vector128<short>.Zero) ? 0 : 1;
    [MethodImpl(Inl)] public static int I16x8Bitmask(V a) => (int)Vector128.ExtractMostSignificantBits(a.AsInt16());
    [MethodImpl(Inl)] public static V I32x4Add(V a, V b) => (a.AsInt32() + b.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4Sub(V a, V b) => (a.AsInt32() - b.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4Mul(V a, V b) => (a.AsInt32() * b.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4Abs(V a) => Vector128.Abs(a.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4Neg(V a) => (-a.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4MinS(V a, V b) => Vector128.Min(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4MinU(V a, V b) => Vector128.Min(a.AsUInt32(), b.AsUInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4MaxS(V a, V b) => Vector128.Max(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4MaxU(V a, V b) => Vector128.Max(a.AsUInt32(), b.AsUInt32()).AsByte();
    [MethodImpl(Inl)] public static V I32x4Shl(V a, int n) => Vector128.ShiftLeft(a.AsInt32(), n & 31).AsByte();
    [MethodImpl(Inl)] public static V I32x4ShrS(V a, int n) => Vector128.ShiftRightArithmetic(a.AsInt32(), n & 31).AsByte();
    [MethodImpl(Inl)] public static V I32x4ShrU(V a, int n) => Vector128.ShiftRightLogical(a.AsUInt32(), n & 31).AsByte();
    [MethodImpl(Inl)] public static int I32x4AllTrue(V a) => Vector128.EqualsAny(a.AsInt32(), Vector128<int>.Zero) ? 0 : 1;
    [MethodImpl(Inl)] public static int I32x4Bitmask(V a) => (int)Vector128.ExtractMostSignificantBits(a.AsInt32());
    [MethodImpl(Inl)] public static V I64x2Add(V a, V b) => (a.AsInt64() + b.AsInt64()).AsByte();
    [MethodImpl(Inl)] public static V I64x2Sub(V a, V b) => (a.AsInt64() - b.AsInt64()).AsByte();
    [MethodImpl(Inl)] public static V I64x2Mul(V a, V b) => (a.AsInt64() * b.AsInt64()).AsByte();
    [MethodImpl(Inl)] public static V I64x2Abs(V a) => Vector128.Abs(a.AsInt64()).AsByte();
    [MethodImpl(Inl)] public static V I64x2Neg(V a) => (-a.AsInt64()).AsByte();
    [MethodImpl(Inl)] public static V I64x2Shl(V a, int n) => Vector128.ShiftLeft(a.AsInt64(), n & 63).AsByte();
    [MethodImpl(Inl)] public static V I64x2ShrS(V a, int n) => Vector128.ShiftRightArithmetic(a.AsInt64(), n & 63).AsByte();
    [MethodImpl(Inl)] public static V I64x2ShrU(V a, int n) => Vector128.ShiftRightLogical(a.AsUInt64(), n & 63).AsByte();
    [MethodImpl(Inl)] public static int I64x2AllTrue(V a) => Vector128.EqualsAny(a.AsInt64(), Vector128<long>.Zero) ? 0 : 1;
    [MethodImpl(Inl)] public static int I64x2Bitmask(V a) => (int)Vector128.ExtractMostSignificantBits(a.AsInt64());
    [MethodImpl(Inl)] public static V I16x8ExtendLowI8x16S(V a) => Vector128.WidenLower(a.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I16x8ExtmulLowI8x16S(V a, V b) => (Vector128.WidenLower(a.AsSByte()) * Vector128.WidenLower(b.AsSByte())).AsByte();
    [MethodImpl(Inl)] public static V I16x8ExtendLowI8x16U(V a) => Vector128.WidenLower(a.AsByte()).AsByte();
    [MethodImpl(Inl)] public static V I16x8ExtmulLowI8x16U(V a, V b) => (Vector128.WidenLower(a.AsByte()) * Vector128.WidenLower(b.AsByte())).AsByte();
    [MethodImpl(Inl)] public static V I16x8ExtendHighI8x16S(V a) => Vector128.WidenUpper(a.AsSByte()).AsByte();
    [MethodImpl(Inl)] public static V I16x8ExtmulHighI8x16S(V a, V b) => (Vector128.WidenUpper(a.AsSByte()) * Vector128.WidenUpper(b.AsSByte())).AsByte();
    [MethodImpl(Inl)] public static V I16x8ExtendHighI8x16U(V a) => Vector128.WidenUpper(a.AsByte()).AsByte();
    [MethodImpl(Inl)] public static V I16x8ExtmulHighI8x16U(V a, V b) => (Vector128.WidenUpper(a.AsByte()) * Vector128.WidenUpper(b.AsByte())).AsByte();
    [MethodImpl(Inl)] public static V I32x4ExtendLowI16x8S(V a) => Vector128.WidenLower(a.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I32x4ExtmulLowI16x8S(V a, V b) => (Vector128.WidenLower(a.AsInt16()) * Vector128.WidenLower(b.AsInt16())).AsByte();
    [MethodImpl(Inl)] public static V I32x4ExtendLowI16x8U(V a) => Vector128.WidenLower(a.AsUInt16()).AsByte();
    [MethodImpl(Inl)] public static V I32x4ExtmulLowI16x8U(V a, V b) => (Vector128.WidenLower(a.AsUInt16()) * Vector128.WidenLower(b.AsUInt16())).AsByte();
    [MethodImpl(Inl)] public static V I32x4ExtendHighI16x8S(V a) => Vector128.WidenUpper(a.AsInt16()).AsByte();
    [MethodImpl(Inl)] public static V I32x4ExtmulHighI16x8S(V a, V b) => (Vector128.WidenUpper(a.AsInt16()) * Vector128.WidenUpper(b.AsInt16())).AsByte();
    [MethodImpl(Inl)] public static V I32x4ExtendHighI16x8U(V a) => Vector128.WidenUpper(a.AsUInt16()).AsByte();
    [MethodImpl(Inl)] public static V I32x4ExtmulHighI16x8U(V a, V b) => (Vector128.WidenUpper(a.AsUInt16()) * Vector128.WidenUpper(b.AsUInt16())).AsByte();
    [MethodImpl(Inl)] public static V I64x2ExtendLowI32x4S(V a) => Vector128.WidenLower(a.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I64x2ExtmulLowI32x4S(V a, V b) => (Vector128.WidenLower(a.AsInt32()) * Vector128.WidenLower(b.AsInt32())).AsByte();
    [MethodImpl(Inl)] public static V I64x2ExtendLowI32x4U(V a) => Vector128.WidenLower(a.AsUInt32()).AsByte();
    [MethodImpl(Inl)] public static V I64x2ExtmulLowI32x4U(V a, V b) => (Vector128.WidenLower(a.AsUInt32()) * Vector128.WidenLower(b.AsUInt32())).AsByte();
    [MethodImpl(Inl)] public static V I64x2ExtendHighI32x4S(V a) => Vector128.WidenUpper(a.AsInt32()).AsByte();
    [MethodImpl(Inl)] public static V I64x2ExtmulHighI32x4S(V a, V b) => (Vector128.WidenUpper(a.AsInt32()) * Vector128.WidenUpper(b.AsInt32())).AsByte();
    [MethodImpl(Inl)] public static V I64x2ExtendHighI32x4U(V a) => Vector128.WidenUpper(a.AsUInt32()).AsByte();
    [MethodImpl(Inl)] public static V I64x2ExtmulHighI32x4U(V a, V b) => (Vector128.WidenUpper(a.AsUInt32()) * Vector128.WidenUpper(b.AsUInt32())).AsByte();
    [MethodImpl(Inl)] public static V I8x16Splat(int x) => Vector128.Create((byte)x).AsByte();
    [MethodImpl(Inl)] public static V I8x16ReplaceLane(V a, int x, int lane) => a.AsByte().WithElement(lane, (byte)x).AsByte();
    [MethodImpl(Inl)] public static V I16x8Splat(int x) => Vector128.Create((ushort)x).AsByte();
    [MethodImpl(Inl)] public static V I16x8ReplaceLane(V a, int x, int lane) => a.AsUInt16().WithElement(lane, (ushort)x).AsByte();
    [MethodImpl(Inl)] public static V I32x4Splat(int x) => Vector128.Create(x).AsByte();
    [MethodImpl(Inl)] public static V I32x4ReplaceLane(V a, int x, int lane) => a.AsInt32().WithElement(lane, x).AsByte();
    [MethodImpl(Inl)] public static V I64x2Splat(long x) => Vector128.Create(x).AsByte();
    [MethodImpl(Inl)] public static V I64x2ReplaceLane(V a, long x, int lane) => a.AsInt64().WithElement(lane, x).AsByte();
    [MethodImpl(Inl)] public static V F32x4Splat(float x) => Vector128.Create(x).AsByte();
    [MethodImpl(Inl)] public static V F32x4ReplaceLane(V a, float x, int lane) => a.AsSingle().WithElement(lane, x).AsByte();
    [MethodImpl(Inl)] public static V F64x2Splat(double x) => Vector128.Create(x).AsByte();
    [MethodImpl(Inl)] public static V F64x2ReplaceLane(V a, double x, int lane) => a.AsDouble().WithElement(lane, x).AsByte();
    [MethodImpl(Inl)] public static int I8x16ExtractLaneS(V a, int lane) => a.AsSByte().GetElement(lane);
    [MethodImpl(Inl)] public static int I8x16ExtractLaneU(V a, int lane) => a.GetElement(lane);
    [MethodImpl(Inl)] public static int I16x8ExtractLaneS(V a, int lane) => a.AsInt16().GetElement(lane);
    [MethodImpl(Inl)] public static int I16x8ExtractLaneU(V a, int lane) => a.AsUInt16().GetElement(lane);
    [MethodImpl(Inl)] public static int I32x4ExtractLane(V a, int lane) => a.AsInt32().GetElement(lane);
    [MethodImpl(Inl)] public static long I64x2ExtractLane(V a, int lane) => a.AsInt64().GetElement(lane);
    [MethodImpl(Inl)] public static float F32x4ExtractLane(V a, int lane) => a.AsSingle().GetElement(lane);
    [MethodImpl(Inl)] public static double F64x2ExtractLane(V a, int lane) => a.AsDouble().GetElement(lane);
    [MethodImpl(Inl)] public static V F32x4Add(V a, V b) => (a.AsSingle() + b.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Sub(V a, V b) => (a.AsSingle() - b.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Mul(V a, V b) => (a.AsSingle() * b.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Div(V a, V b) => (a.AsSingle() / b.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Sqrt(V a) => Vector128.Sqrt(a.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Ceil(V a) => Vector128.Ceiling(a.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Floor(V a) => Vector128.Floor(a.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Trunc(V a) => Vector128.Truncate(a.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Nearest(V a) => Vector128.Round(a.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Abs(V a) => Vector128.AndNot(a.AsUInt32(), Vector128.Create(0x8000_0000u)).AsByte();
    [MethodImpl(Inl)] public static V F32x4Neg(V a) => (a.AsUInt32() ^ Vector128.Create(0x8000_0000u)).AsByte();
    [MethodImpl(Inl)] public static V F32x4Pmin(V a, V b) => Vector128.ConditionalSelect(Vector128.LessThan(b.AsSingle(), a.AsSingle()), b.AsSingle(), a.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F32x4Pmax(V a, V b) => Vector128.ConditionalSelect(Vector128.LessThan(a.AsSingle(), b.AsSingle()), b.AsSingle(), a.AsSingle()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Add(V a, V b) => (a.AsDouble() + b.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Sub(V a, V b) => (a.AsDouble() - b.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Mul(V a, V b) => (a.AsDouble() * b.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Div(V a, V b) => (a.AsDouble() / b.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Sqrt(V a) => Vector128.Sqrt(a.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Ceil(V a) => Vector128.Ceiling(a.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Floor(V a) => Vector128.Floor(a.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Trunc(V a) => Vector128.Truncate(a.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Nearest(V a) => Vector128.Round(a.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Abs(V a) => Vector128.AndNot(a.AsUInt64(), Vector128.Create(0x8000_0000_0000_0000ul)).AsByte();
    [MethodImpl(Inl)] public static V F64x2Neg(V a) => (a.AsUInt64() ^ Vector128.Create(0x8000_0000_0000_0000ul)).AsByte();
    [MethodImpl(Inl)] public static V F64x2Pmin(V a, V b) => Vector128.ConditionalSelect(Vector128.LessThan(b.AsDouble(), a.AsDouble()), b.AsDouble(), a.AsDouble()).AsByte();
    [MethodImpl(Inl)] public static V F64x2Pmax(V a, V b) => Vector128.ConditionalSelect(Vector128.LessThan(a.AsDouble(), b.AsDouble()), b.AsDouble(), a.AsDouble()).AsByte();
}
