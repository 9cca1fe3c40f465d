// The general (boxed) direct-ABI call: converts boxed arguments to wasm values, copies text/bytea arguments into
// guest memory via alloc(len, 1), calls, decodes the result (packed i64 ptr<<32|len for text/bytea) and frees.
using System.Text;
using Wasql.Udf.Pooling;
using Wasql.Wasm;

namespace Wasql.Udf.Direct;

internal static class DirectInvoker
{
    /// <summary>The NULL marker of a text/bytea result: all 64 bits set.</summary>
    public const long NullResult = -1;

    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    public static object? Invoke(DirectFunction f, InstanceSlot slot, ReadOnlySpan<object?> args)
    {
        var sig = f.Signature;
        if (args.Length != sig.Arguments.Count)
            throw new UdfException(UdfErrorKind.Signature, f.ExportName, $"{f.ExportName}{sig} takes {sig.Arguments.Count} arguments, got {args.Length}");
        foreach (var a in args)
        {
            if (a is not null && a is not DBNull) continue;
            if (!sig.CalledOnNullInput) return null;
            throw new UdfException(UdfErrorKind.Signature, f.ExportName, "a NULL argument cannot be passed to a direct-ABI function (wasm numbers have no NULL)");
        }
        var shape = f.Shape;
        var values = new Value[shape.WasmParams.Length];
        // Convert everything first: a conversion error must not touch the instance.
        var blobs = new byte[sig.Arguments.Count][];
        for (int i = 0; i < args.Length; i++)
        {
            try
            {
                if (sig.Arguments[i] == SqlType.Text)
                    blobs[i] = args[i] is string s ? Encoding.UTF8.GetBytes(s) : args[i] as byte[] ?? Encoding.UTF8.GetBytes(Convert.ToString(args[i], System.Globalization.CultureInfo.InvariantCulture)!);
                else if (sig.Arguments[i] == SqlType.Bytea)
                    blobs[i] = args[i] as byte[] ?? (args[i] is string s2 ? Encoding.UTF8.GetBytes(s2) : throw new InvalidCastException($"expected byte[] for bytea, got {args[i]!.GetType().Name}"));
            }
            catch (Exception e) when (e is InvalidCastException or FormatException)
            {
                throw new UdfException(UdfErrorKind.Signature, f.ExportName, $"argument {i + 1}: {e.Message}", inner: e);
            }
        }
        int w = 0;
        for (int i = 0; i < args.Length; i++)
        {
            var t = sig.Arguments[i];
            if (!SqlTypes.IsNumeric(t)) { w += 2; continue; }
            try
            {
                values[w++] = t switch
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
        }

        var inst = slot.Instance;
        var allocated = new List<(int Ptr, int Len)>();
        try
        {
            var fn = inst.Instance.GetFunction(f.ExportName)!;
            Func<int, int, int>? alloc = shape.NeedsAllocator ? inst.Export<Func<int, int, int>>("alloc") : null;
            Action<int, int, int>? dealloc = shape.NeedsAllocator ? inst.Export<Action<int, int, int>>("dealloc") : null;
            w = 0;
            for (int i = 0; i < args.Length; i++)
            {
                if (SqlTypes.IsNumeric(sig.Arguments[i])) { w++; continue; }
                var bytes = blobs[i];
                int ptr = 0;
                if (bytes.Length > 0)
                {
                    inst.BeginCall();
                    ptr = alloc!(bytes.Length, 1);
                    inst.EndCall();
                    if (ptr == 0) throw new UdfException(UdfErrorKind.OutOfMemory, f.ExportName, $"guest alloc({bytes.Length}, 1) failed");
                    allocated.Add((ptr, bytes.Length));
                    bytes.CopyTo(ArrowUdf.GuestBuffers.Range(inst, f.ExportName, (uint)ptr, (uint)bytes.Length));
                }
                values[w++] = Value.FromI32(ptr);
                values[w++] = Value.FromI32(bytes.Length);
            }
            inst.BeginCall();
            var r = fn.Invoke(values)[0];
            inst.EndCall();
            object? result = DecodeResult(f, inst, dealloc, r);
            inst.BeginCall();
            foreach (var (p, l) in allocated) dealloc!(p, l, 1);
            inst.EndCall();
            return result;
        }
        catch (Exception e)
        {
            throw slot.Fail(e);
        }
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
        byte[] bytes = len == 0 ? [] : ArrowUdf.GuestBuffers.Range(inst, f.ExportName, ptr, len).ToArray();
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
