// Memory access for baseline code (see Compilation/TierUpCompiler.cs): each load or store is one call that bounds-checks
// and accesses memory through the VmContext. Optimized code inlines the same check instead (VmHelpers.Address).
// AggressiveOptimization: these are called, not inlined, and must not run as .NET's unoptimized Tier0 code.
using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;
using Wasql.Wasm.Binary;

namespace Wasql.Wasm.Vm;

[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class BaselineMemory
{
    private const MethodImplOptions Opt = MethodImplOptions.AggressiveOptimization;

    /// <summary>The checked address of [address + offset, address + offset + size).</summary>
    [MethodImpl(Opt)]
    public static nint Address(int address, int offset, int size, VmContext ctx)
    {
        var m = ctx.Memory!;
        ulong start = (ulong)(uint)address + (uint)offset;
        if (start + (ulong)size > (ulong)m.Length) VmHelpers.MemoryOutOfBounds();
        return m.Base + (nint)start;
    }

    [MethodImpl(Opt)] public static int Size(VmContext ctx) => (int)(ctx.Memory!.Length >> 16);

    [MethodImpl(Opt)] public static int I32Load(int a, int o, VmContext c) => Unsafe.ReadUnaligned<int>((void*)Address(a, o, 4, c));
    [MethodImpl(Opt)] public static int I32Load(int a, VmContext c) => Unsafe.ReadUnaligned<int>((void*)Address(a, 0, 4, c));
    [MethodImpl(Opt)] public static long I64Load(int a, int o, VmContext c) => Unsafe.ReadUnaligned<long>((void*)Address(a, o, 8, c));
    [MethodImpl(Opt)] public static long I64Load(int a, VmContext c) => Unsafe.ReadUnaligned<long>((void*)Address(a, 0, 8, c));
    [MethodImpl(Opt)] public static float F32Load(int a, int o, VmContext c) => Unsafe.ReadUnaligned<float>((void*)Address(a, o, 4, c));
    [MethodImpl(Opt)] public static float F32Load(int a, VmContext c) => Unsafe.ReadUnaligned<float>((void*)Address(a, 0, 4, c));
    [MethodImpl(Opt)] public static double F64Load(int a, int o, VmContext c) => Unsafe.ReadUnaligned<double>((void*)Address(a, o, 8, c));
    [MethodImpl(Opt)] public static double F64Load(int a, VmContext c) => Unsafe.ReadUnaligned<double>((void*)Address(a, 0, 8, c));
    [MethodImpl(Opt)] public static int I32Load8S(int a, int o, VmContext c) => *(sbyte*)Address(a, o, 1, c);
    [MethodImpl(Opt)] public static int I32Load8S(int a, VmContext c) => *(sbyte*)Address(a, 0, 1, c);
    [MethodImpl(Opt)] public static int I32Load8U(int a, int o, VmContext c) => *(byte*)Address(a, o, 1, c);
    [MethodImpl(Opt)] public static int I32Load8U(int a, VmContext c) => *(byte*)Address(a, 0, 1, c);
    [MethodImpl(Opt)] public static int I32Load16S(int a, int o, VmContext c) => Unsafe.ReadUnaligned<short>((void*)Address(a, o, 2, c));
    [MethodImpl(Opt)] public static int I32Load16S(int a, VmContext c) => Unsafe.ReadUnaligned<short>((void*)Address(a, 0, 2, c));
    [MethodImpl(Opt)] public static int I32Load16U(int a, int o, VmContext c) => Unsafe.ReadUnaligned<ushort>((void*)Address(a, o, 2, c));
    [MethodImpl(Opt)] public static int I32Load16U(int a, VmContext c) => Unsafe.ReadUnaligned<ushort>((void*)Address(a, 0, 2, c));
    [MethodImpl(Opt)] public static long I64Load8S(int a, int o, VmContext c) => *(sbyte*)Address(a, o, 1, c);
    [MethodImpl(Opt)] public static long I64Load8S(int a, VmContext c) => *(sbyte*)Address(a, 0, 1, c);
    [MethodImpl(Opt)] public static long I64Load8U(int a, int o, VmContext c) => *(byte*)Address(a, o, 1, c);
    [MethodImpl(Opt)] public static long I64Load8U(int a, VmContext c) => *(byte*)Address(a, 0, 1, c);
    [MethodImpl(Opt)] public static long I64Load16S(int a, int o, VmContext c) => Unsafe.ReadUnaligned<short>((void*)Address(a, o, 2, c));
    [MethodImpl(Opt)] public static long I64Load16S(int a, VmContext c) => Unsafe.ReadUnaligned<short>((void*)Address(a, 0, 2, c));
    [MethodImpl(Opt)] public static long I64Load16U(int a, int o, VmContext c) => Unsafe.ReadUnaligned<ushort>((void*)Address(a, o, 2, c));
    [MethodImpl(Opt)] public static long I64Load16U(int a, VmContext c) => Unsafe.ReadUnaligned<ushort>((void*)Address(a, 0, 2, c));
    [MethodImpl(Opt)] public static long I64Load32S(int a, int o, VmContext c) => Unsafe.ReadUnaligned<int>((void*)Address(a, o, 4, c));
    [MethodImpl(Opt)] public static long I64Load32S(int a, VmContext c) => Unsafe.ReadUnaligned<int>((void*)Address(a, 0, 4, c));
    [MethodImpl(Opt)] public static long I64Load32U(int a, int o, VmContext c) => Unsafe.ReadUnaligned<uint>((void*)Address(a, o, 4, c));
    [MethodImpl(Opt)] public static long I64Load32U(int a, VmContext c) => Unsafe.ReadUnaligned<uint>((void*)Address(a, 0, 4, c));

    [MethodImpl(Opt)] public static void I32Store(int a, int v, int o, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, o, 4, c), v);
    [MethodImpl(Opt)] public static void I32Store(int a, int v, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, 0, 4, c), v);
    [MethodImpl(Opt)] public static void I64Store(int a, long v, int o, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, o, 8, c), v);
    [MethodImpl(Opt)] public static void I64Store(int a, long v, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, 0, 8, c), v);
    [MethodImpl(Opt)] public static void F32Store(int a, float v, int o, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, o, 4, c), v);
    [MethodImpl(Opt)] public static void F32Store(int a, float v, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, 0, 4, c), v);
    [MethodImpl(Opt)] public static void F64Store(int a, double v, int o, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, o, 8, c), v);
    [MethodImpl(Opt)] public static void F64Store(int a, double v, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, 0, 8, c), v);
    [MethodImpl(Opt)] public static void I32Store8(int a, int v, int o, VmContext c) => *(byte*)Address(a, o, 1, c) = (byte)v;
    [MethodImpl(Opt)] public static void I32Store8(int a, int v, VmContext c) => *(byte*)Address(a, 0, 1, c) = (byte)v;
    [MethodImpl(Opt)] public static void I32Store16(int a, int v, int o, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, o, 2, c), (short)v);
    [MethodImpl(Opt)] public static void I32Store16(int a, int v, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, 0, 2, c), (short)v);
    [MethodImpl(Opt)] public static void I64Store8(int a, long v, int o, VmContext c) => *(byte*)Address(a, o, 1, c) = (byte)v;
    [MethodImpl(Opt)] public static void I64Store8(int a, long v, VmContext c) => *(byte*)Address(a, 0, 1, c) = (byte)v;
    [MethodImpl(Opt)] public static void I64Store16(int a, long v, int o, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, o, 2, c), (short)v);
    [MethodImpl(Opt)] public static void I64Store16(int a, long v, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, 0, 2, c), (short)v);
    [MethodImpl(Opt)] public static void I64Store32(int a, long v, int o, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, o, 4, c), (int)v);
    [MethodImpl(Opt)] public static void I64Store32(int a, long v, VmContext c) => Unsafe.WriteUnaligned((void*)Address(a, 0, 4, c), (int)v);

    private static readonly Dictionary<Opcode, MethodInfo> s_byOpcode = new[]
    {
        Opcode.I32Load, Opcode.I64Load, Opcode.F32Load, Opcode.F64Load, Opcode.I32Load8S, Opcode.I32Load8U,
        Opcode.I32Load16S, Opcode.I32Load16U, Opcode.I64Load8S, Opcode.I64Load8U, Opcode.I64Load16S, Opcode.I64Load16U,
        Opcode.I64Load32S, Opcode.I64Load32U, Opcode.I32Store, Opcode.I64Store, Opcode.F32Store, Opcode.F64Store,
        Opcode.I32Store8, Opcode.I32Store16, Opcode.I64Store8, Opcode.I64Store16, Opcode.I64Store32,
    }.ToDictionary(op => op, op => typeof(BaselineMemory).GetMethods().Single(m => m.Name == op.ToString() && m.GetParameters()[^2].ParameterType == typeof(int)
        && m.GetParameters()[^2].Name == "o"));

    private static readonly Dictionary<Opcode, MethodInfo> s_byOpcodeNoOffset = s_byOpcode.Keys.ToDictionary(op => op,
        op => typeof(BaselineMemory).GetMethods().Single(m => m.Name == op.ToString() && m.GetParameters().Length == s_byOpcode[op].GetParameters().Length - 1));

    /// <summary>The helper for <paramref name="op"/>: (address, [value,] offset, ctx), or (address, [value,] ctx) for
    /// offset 0, the most common case (one IL instruction less per access).</summary>
    internal static MethodInfo For(Opcode op, bool withOffset) => (withOffset ? s_byOpcode : s_byOpcodeNoOffset)[op];
}
