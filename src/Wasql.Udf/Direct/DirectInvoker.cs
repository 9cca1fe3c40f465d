// The general (boxed) direct-ABI call: converts boxed arguments to wasm values, copies text/bytea arguments into
// guest memory via alloc(len, 1), calls, decodes the result (packed i64 ptr<<32|len for text/bytea) and frees.
using System.Text;
using Wasql.Udf.ArrowUdf;
using Wasql.Udf.Pooling;
using Wasql.Wasm;

namespace Wasql.Udf.Direct;

internal static class DirectInvoker
{
    /// <summary>The NULL marker of a text/bytea result: all 64 bits set.</summary>
    public const long NullResult = -1;

    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    public static object? Invoke(DirectFunction f, InstanceSlot slot, ReadOnlySpan<object?> args) =>
        Marshal(f, args, out var values, out var blobs) ? Call(f, slot, values, blobs, decodeResult: true) : null;

    /// <summary>Starts a direct table function on the slot's instance: the export takes the arguments and sets up the
    /// guest's iterator (its i32 result is ignored). False when a NULL argument of a strict function means no rows.</summary>
    public static bool Start(DirectFunction f, InstanceSlot slot, ReadOnlySpan<object?> args)
    {
        if (!Marshal(f, args, out var values, out var blobs)) return false;
        Call(f, slot, values, blobs, decodeResult: false);
        return true;
    }

    /// <summary>One call of the function's export with marshalled arguments: copy text/bytes in, call, read the
    /// NULL flag and the result (when <paramref name="decodeResult"/>), free what was copied in.</summary>
    private static object? Call(DirectFunction f, InstanceSlot slot, Value[] values, byte[]?[] blobs, bool decodeResult)
    {
        var inst = slot.Instance;
        var allocated = new List<(int Ptr, int Len)>();
        try
        {
            var fn = inst.Instance.GetFunction(f.ExportName)!;
            var dealloc = f.Shape.NeedsAllocator ? inst.Export<Action<int, int, int>>("dealloc") : null;
            CopyIn(f, inst, values, blobs, allocated);
            inst.BeginCall();
            var r = fn.Invoke(values);
            bool isNull = decodeResult && f.Signature.NullableResult && inst.Export<Func<int>>(DirectExports.ResultNull)() != 0;
            inst.EndCall();
            object? result = !decodeResult || isNull ? null : DecodeResult(f, inst, dealloc, r[0]);
            Free(inst, dealloc, allocated);
            return result;
        }
        catch (Exception e)
        {
            throw slot.Fail(e);
        }
    }

    /// <summary>The next row of the table function started on the slot's instance (see <see cref="DirectRow"/>), or
    /// null at the end.</summary>
    public static object?[]? Next(DirectFunction f, InstanceSlot slot, int columns)
    {
        var inst = slot.Instance;
        try
        {
            var next = inst.Export<Func<long>>(f.ExportName + DirectExports.NextSuffix);
            var dealloc = inst.Export<Action<int, int, int>>("dealloc");
            inst.BeginCall();
            long packed = next();
            inst.EndCall();
            if (packed == NullResult) return null;
            uint ptr = (uint)((ulong)packed >> 32), len = (uint)packed;
            var row = DirectRow.Decode(len == 0 ? [] : GuestBuffers.Range(inst, f.ExportName, ptr, len), columns, f.ExportName);
            if (len != 0)
            {
                inst.BeginCall();
                dealloc((int)ptr, (int)len, 1);
                inst.EndCall();
            }
            return row;
        }
        catch (Exception e)
        {
            throw slot.Fail(e);
        }
    }

    /// <summary>Converts boxed arguments to wasm values (text/bytea bytes kept aside for <see cref="CopyIn"/>), before
    /// the instance is touched. False when a NULL argument of a strict function makes the call unnecessary.</summary>
    private static bool Marshal(DirectFunction f, ReadOnlySpan<object?> args, out Value[] values, out byte[]?[] blobs)
    {
        var sig = f.Signature;
        values = [];
        blobs = [];
        if (args.Length != sig.Arguments.Count)
            throw new UdfException(UdfErrorKind.Signature, f.ExportName, $"{f.ExportName}{sig} takes {sig.Arguments.Count} arguments, got {args.Length}");
        if (!sig.CalledOnNullInput)
            foreach (var a in args)
                if (a is null || a is DBNull) return false;
        values = new Value[f.Shape.WasmParams.Length];
        blobs = new byte[sig.Arguments.Count][];
        int w = 0;
        for (int i = 0; i < args.Length; i++)
        {
            var t = sig.Arguments[i];
            bool isNull = args[i] is null || args[i] is DBNull;
            try
            {
                if (isNull)
                {
                    if (SqlTypes.IsNumeric(t)) values[w++] = Zero(t);
                    else { values[w++] = Value.FromI32(0); values[w++] = Value.FromI32(0); }
                }
                else if (t == SqlType.Text)
                {
                    blobs[i] = args[i] is string s ? Encoding.UTF8.GetBytes(s) : args[i] as byte[] ?? Encoding.UTF8.GetBytes(Convert.ToString(args[i], System.Globalization.CultureInfo.InvariantCulture)!);
                    w += 2;
                }
                else if (t == SqlType.Bytea)
                {
                    blobs[i] = args[i] as byte[] ?? (args[i] is string s2 ? Encoding.UTF8.GetBytes(s2) : throw new InvalidCastException($"expected byte[] for bytea, got {args[i]!.GetType().Name}"));
                    w += 2;
                }
                else values[w++] = t switch
                {
                    SqlType.Int2 => Value.FromI32(Convert.ToInt16(args[i])),
                    SqlType.Int4 => Value.FromI32(Convert.ToInt32(args[i])),
                    SqlType.Int8 => Value.FromI64(Convert.ToInt64(args[i])),
                    SqlType.Float4 => Value.FromF32(Convert.ToSingle(args[i])),
                    SqlType.Float8 => Value.FromF64(Convert.ToDouble(args[i])),
                    _ => Value.FromI32(Convert.ToBoolean(args[i]) ? 1 : 0),
                };
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
            {
                throw new UdfException(UdfErrorKind.Signature, f.ExportName, $"argument {i + 1} ({SqlTypes.Name(t)}): {e.Message}", inner: e);
            }
            if (sig.CalledOnNullInput) values[w++] = Value.FromI32(isNull ? 1 : 0);
        }
        return true;
    }

    private static Value Zero(SqlType t) => t switch
    {
        SqlType.Int8 => Value.FromI64(0),
        SqlType.Float4 => Value.FromF32(0),
        SqlType.Float8 => Value.FromF64(0),
        _ => Value.FromI32(0),
    };

    /// <summary>Allocates and copies each non-empty text/bytea argument into guest memory and fills its (ptr, len).</summary>
    private static void CopyIn(DirectFunction f, PooledInstance inst, Value[] values, byte[]?[] blobs, List<(int Ptr, int Len)> allocated)
    {
        var sig = f.Signature;
        Func<int, int, int>? alloc = f.Shape.NeedsAllocator ? inst.Export<Func<int, int, int>>("alloc") : null;
        int w = 0;
        for (int i = 0; i < sig.Arguments.Count; i++)
        {
            int extra = sig.CalledOnNullInput ? 1 : 0;
            if (SqlTypes.IsNumeric(sig.Arguments[i])) { w += 1 + extra; continue; }
            var bytes = blobs[i];
            if (bytes is null) { w += 2 + extra; continue; }   // NULL: ptr = len = 0, flag already set
            int ptr = 0;
            if (bytes.Length > 0)
            {
                inst.BeginCall();
                ptr = alloc!(bytes.Length, 1);
                inst.EndCall();
                if (ptr == 0) throw new UdfException(UdfErrorKind.OutOfMemory, f.ExportName, $"guest alloc({bytes.Length}, 1) failed");
                allocated.Add((ptr, bytes.Length));
                bytes.CopyTo(GuestBuffers.Range(inst, f.ExportName, (uint)ptr, (uint)bytes.Length));
            }
            values[w++] = Value.FromI32(ptr);
            values[w++] = Value.FromI32(bytes.Length);
            w += extra;
        }
    }

    private static void Free(PooledInstance inst, Action<int, int, int>? dealloc, List<(int Ptr, int Len)> allocated)
    {
        if (allocated.Count == 0) return;
        inst.BeginCall();
        foreach (var (p, l) in allocated) dealloc!(p, l, 1);
        inst.EndCall();
    }

    private static object? DecodeResult(DirectFunction f, PooledInstance inst, Action<int, int, int>? dealloc, Value r)
    {
        switch (f.Signature.Result)
        {
            case SqlType.Int2: return unchecked((short)r.I32);
            case SqlType.Int4: return r.I32;
            case SqlType.Int8: return r.I64;
            case SqlType.Float4: return r.F32;
            case SqlType.Float8: return r.F64;
            case SqlType.Boolean: return r.I32 != 0;
        }
        long packed = r.I64;
        if (packed == NullResult) return null;
        uint ptr = (uint)((ulong)packed >> 32), len = (uint)packed;
        byte[] bytes = len == 0 ? [] : GuestBuffers.Range(inst, f.ExportName, ptr, len).ToArray();
        if (len != 0)
        {
            inst.BeginCall();
            dealloc!((int)ptr, (int)len, 1);
            inst.EndCall();
        }
        if (f.Signature.Result == SqlType.Bytea) return bytes;
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new UdfException(UdfErrorKind.Protocol, f.ExportName, "text result is not valid UTF-8", inner: e);
        }
    }
}
