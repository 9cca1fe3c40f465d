// Compact encodings of common CIL instructions. RyuJIT's optimization limits count IL bytes and
// instructions, so every byte saved keeps more real-world functions fully optimized.
using System.Reflection.Emit;

namespace Wasql.Wasm.Compilation;

internal static class ILEmitExtensions
{
    public static void EmitI4(this ILGenerator il, int v)
    {
        switch (v)
        {
            case -1: il.Emit(OpCodes.Ldc_I4_M1); return;
            case 0: il.Emit(OpCodes.Ldc_I4_0); return;
            case 1: il.Emit(OpCodes.Ldc_I4_1); return;
            case 2: il.Emit(OpCodes.Ldc_I4_2); return;
            case 3: il.Emit(OpCodes.Ldc_I4_3); return;
            case 4: il.Emit(OpCodes.Ldc_I4_4); return;
            case 5: il.Emit(OpCodes.Ldc_I4_5); return;
            case 6: il.Emit(OpCodes.Ldc_I4_6); return;
            case 7: il.Emit(OpCodes.Ldc_I4_7); return;
            case 8: il.Emit(OpCodes.Ldc_I4_8); return;
        }
        if (v is >= sbyte.MinValue and <= sbyte.MaxValue) il.Emit(OpCodes.Ldc_I4_S, (sbyte)v);
        else il.Emit(OpCodes.Ldc_I4, v);
    }

    public static void EmitI8(this ILGenerator il, long v)
    {
        if (v is >= int.MinValue and <= int.MaxValue)
        {
            il.EmitI4((int)v);
            il.Emit(OpCodes.Conv_I8);
        }
        else il.Emit(OpCodes.Ldc_I8, v);
    }

    public static void EmitLdarg(this ILGenerator il, int index)
    {
        switch (index)
        {
            case 0: il.Emit(OpCodes.Ldarg_0); return;
            case 1: il.Emit(OpCodes.Ldarg_1); return;
            case 2: il.Emit(OpCodes.Ldarg_2); return;
            case 3: il.Emit(OpCodes.Ldarg_3); return;
        }
        if (index <= byte.MaxValue) il.Emit(OpCodes.Ldarg_S, (byte)index);
        else il.Emit(OpCodes.Ldarg, (short)index);
    }

    public static void EmitStarg(this ILGenerator il, int index)
    {
        if (index <= byte.MaxValue) il.Emit(OpCodes.Starg_S, (byte)index);
        else il.Emit(OpCodes.Starg, (short)index);
    }
}
