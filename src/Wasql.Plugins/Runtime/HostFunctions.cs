// The `wasql` import module of the plugin ABI (sdk/PLUGIN_ABI.md), plus env.abort for AssemblyScript. Every function
// checks the handle against the call running on its instance, bounds-checks every guest range, never calls into the
// guest and never allocates guest memory; a bad argument is a status code, never a host exception.
using System.Buffers.Binary;
using System.Text;
using Wasql.Database;
using Wasql.Plugins.State;
using Wasql.Wasm;

namespace Wasql.Plugins.Runtime;

internal static class HostFunctions
{
    public const int Ok = 0, NotFound = 1, BadArgument = 2, BufferTooSmall = 3, BadHandle = 4, CasMismatch = 5, NotAllowed = 6, Limit = 7;
    private const int MaxText = 4096, MaxKey = 1024, MaxValue = 64 * 1024, MaxLogLinesPerCall = 100;
    private static readonly UTF8Encoding s_strict = new(false, true);

    /// <summary>A guest argument error: becomes its status at the boundary.</summary>
    private sealed class StatusException(int status) : Exception
    {
        public int Status { get; } = status;
    }

    public static void Define(Linker linker, Store store, PluginHost host)
    {
        var state = new InstanceState();
        store.Data = state;
        void Def(string name, Delegate d) => linker.DefineFunction(store, "wasql", name, d);

        Def("wasql_get", (Func<Caller, int, int, int, int, int, int, int>)((c, ctx, kp, kl, bp, bc, olp) => Guard(c, ctx, call =>
        {
            var value = call.Property(ReadText(c, kp, kl));
            return value is null ? NotFound : WriteOut(c, Encoding.UTF8.GetBytes(value), bp, bc, olp);
        })));
        Def("wasql_deny", (Func<Caller, int, int, int, int, int, int>)((c, ctx, sp, sl, mp, ml) => Guard(c, ctx, call =>
        {
            if (sl != 0 && sl != 5) return BadArgument;
            var state5 = sl == 0 ? SqlStates.InsufficientPrivilege : ReadText(c, sp, sl);
            if (!state5.All(char.IsAsciiLetterOrDigit)) return BadArgument;
            call.DenySqlState = state5.ToUpperInvariant();
            call.DenyMessage = Cut(ReadText(c, mp, ml));
            return Ok;
        })));
        Def("wasql_set_query", (Func<Caller, int, int, int, int>)((c, ctx, p, l) => Guard(c, ctx, call =>
        {
            if (call.Hook != Hook.OnQuery) return NotAllowed;
            call.NewQuery = ReadText(c, p, l, int.MaxValue);
            return Ok;
        })));
        Def("wasql_log", (Func<Caller, int, int, int, int, int>)((c, ctx, level, p, l) => Guard(c, ctx, call =>
        {
            if (level is < 0 or > 4) return BadArgument;
            if (++call.LogLines > MaxLogLinesPerCall) return Limit;   // a looping logger cannot flood the log or the client
            var text = Cut(ReadText(c, p, l, int.MaxValue));
            host.Log.Write(new PluginLogEntry(DateTime.UtcNow, (PluginLogLevel)level, call.Plugin.Name, call.Filter.Name, call.Statement.Session.User, text));
            if (level == (int)PluginLogLevel.Notice) call.Statement.AddNotice(text);
            if (level == (int)PluginLogLevel.Error) call.LastErrorLogged = text;
            return Ok;
        })));
        Def("wasql_result_get_column", (Func<Caller, int, int, int, int, int, int>)((c, ctx, index, bp, bc, olp) => Guard(c, ctx, call =>
        {
            if (call.Hook != Hook.OnResult) return NotAllowed;
            if (call.Columns is not { } cols) return NotFound;
            if (index < -1 || index >= cols.ColumnCount) return NotFound;
            return WriteOut(c, cols.ToIpc(index), bp, bc, olp);
        })));
        Def("wasql_result_set_column", (Func<Caller, int, int, int, int, int>)((c, ctx, index, p, l) => Guard(c, ctx, call =>
        {
            if (call.Hook != Hook.OnResult) return NotAllowed;
            if (call.Columns is not { } cols) return NotFound;
            if (index < 0 || index >= cols.ColumnCount) return NotFound;
            var bytes = Range(c, p, l).ToArray();
            try { cols.Replace(index, bytes); }
            catch (ArgumentException e)
            {
                host.Log.Host(PluginLogLevel.Warning, call.Plugin.Name, call.Filter.Name, call.Statement.Session.User,
                    $"wasql_result_set_column({index}) refused: {e.Message}");
                return BadArgument;
            }
            return Ok;
        })));
        Def("wasql_kv_get", (Func<Caller, int, int, int, int, int, int, int, int>)((c, ctx, scope, kp, kl, bp, bc, olp) => Guard(c, ctx, call =>
        {
            var value = host.Store.Get(Space(call, scope), Key(c, kp, kl));
            return value is null ? NotFound : WriteOut(c, value, bp, bc, olp);
        })));
        Def("wasql_kv_set", (Func<Caller, int, int, int, int, int, int, long, int>)((c, ctx, scope, kp, kl, vp, vl, ttl) => Guard(c, ctx, call =>
            ttl < 0 ? BadArgument : Status(host.Store.Set(Space(call, scope), Key(c, kp, kl), Value(c, vp, vl), ttl)))));
        Def("wasql_kv_delete", (Func<Caller, int, int, int, int, int>)((c, ctx, scope, kp, kl) => Guard(c, ctx, call =>
            Status(host.Store.Delete(Space(call, scope), Key(c, kp, kl))))));
        Def("wasql_kv_cas", (Func<Caller, int, int, int, int, int, int, int, int, long, int>)((c, ctx, scope, kp, kl, ep, el, np, nl, ttl) => Guard(c, ctx, call =>
        {
            if (el < -1 || ttl < 0) return BadArgument;
            byte[]? expected = el == -1 ? null : Value(c, ep, el);
            return Status(host.Store.CompareAndSwap(Space(call, scope), Key(c, kp, kl), expected, Value(c, np, nl), ttl));
        })));
        Def("wasql_kv_incr", (Func<Caller, int, int, int, int, long, long, int, int>)((c, ctx, scope, kp, kl, delta, ttl, op) => Guard(c, ctx, call =>
        {
            if (ttl < 0) return BadArgument;
            var target = Range(c, op, 8);   // check the out-pointer before changing anything
            var status = host.Store.Increment(Space(call, scope), Key(c, kp, kl), delta, ttl, out var value);
            if (status == KvStatus.Ok) BinaryPrimitives.WriteInt64LittleEndian(target, value);
            return Status(status);
        })));
        linker.DefineFunction(store, "env", "abort", (Action<Caller, int, int, int, int>)((c, msg, file, line, col) =>
            throw new TrapException(TrapCode.Unreachable, $"abort: {AssemblyScriptString(c, msg) ?? "(no message)"} at {AssemblyScriptString(c, file) ?? "?"}:{line}:{col}")));
    }

    private static int Guard(Caller c, int ctx, Func<PluginCall, int> body)
    {
        var state = c.Store?.Data as InstanceState;
        var call = state?.Current;
        if (call is null || call.Handle != ctx) return BadHandle;
        // host time (JIT of host code on first use, Arrow encoding, the shared store) is not the plugin's deadline
        using var hostTime = state!.Lease?.EnterHost() ?? default;
        try { return body(call); }
        catch (StatusException e) { return e.Status; }
    }

    private static int Status(KvStatus s) => s switch
    {
        KvStatus.Ok => Ok,
        KvStatus.NotFound => NotFound,
        KvStatus.CasMismatch => CasMismatch,
        KvStatus.Limit => Limit,
        _ => BadArgument,
    };

    private static string Space(PluginCall call, int scope) => scope switch
    {
        0 => "plugin:" + call.Plugin.Name,
        1 => SharedStore.Global,
        _ => throw new StatusException(BadArgument),
    };

    private static Span<byte> Range(Caller c, int ptr, int len)
    {
        var memory = c.GetMemory() ?? throw new StatusException(BadArgument);
        if (len < 0 || (ulong)(uint)ptr + (ulong)len > (ulong)memory.Length) throw new StatusException(BadArgument);
        return memory.GetSpan((uint)ptr, len);
    }

    private static string ReadText(Caller c, int ptr, int len, int max = MaxKey)
    {
        if (len > max) throw new StatusException(BadArgument);
        try { return s_strict.GetString(Range(c, ptr, len)); }
        catch (DecoderFallbackException) { throw new StatusException(BadArgument); }
    }

    /// <summary>Keys are bytes; Latin-1 maps each byte to one char, so any key round-trips.</summary>
    private static string Key(Caller c, int ptr, int len) =>
        len > MaxKey ? throw new StatusException(Limit) : Encoding.Latin1.GetString(Range(c, ptr, len));

    private static byte[] Value(Caller c, int ptr, int len) =>
        len > MaxValue ? throw new StatusException(Limit) : Range(c, ptr, len).ToArray();

    /// <summary>The buffer protocol: the length always, the bytes when they fit.</summary>
    private static int WriteOut(Caller c, ReadOnlySpan<byte> value, int bufPtr, int bufCap, int outLenPtr)
    {
        var lenSlot = Range(c, outLenPtr, 4);
        if (bufCap < 0) return BadArgument;
        if (value.Length > bufCap)
        {
            BinaryPrimitives.WriteInt32LittleEndian(lenSlot, value.Length);
            return BufferTooSmall;
        }
        value.CopyTo(Range(c, bufPtr, value.Length));
        BinaryPrimitives.WriteInt32LittleEndian(lenSlot, value.Length);
        return Ok;
    }

    /// <summary>At most 4 KiB of UTF-8, cut on a character boundary.</summary>
    private static string Cut(string s)
    {
        if (s.Length <= MaxText / 4 || Encoding.UTF8.GetByteCount(s) <= MaxText) return s;
        var bytes = Encoding.UTF8.GetBytes(s);
        int cut = MaxText;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80) cut--;
        return Encoding.UTF8.GetString(bytes, 0, cut);
    }

    /// <summary>An AssemblyScript string: UTF-16 code units, byte length in the u32 before the pointer.</summary>
    private static string? AssemblyScriptString(Caller c, int ptr)
    {
        try
        {
            if (ptr < 4) return null;
            int bytes = BinaryPrimitives.ReadInt32LittleEndian(Range(c, ptr - 4, 4));
            if (bytes < 0 || bytes > 2 * MaxText || (bytes & 1) != 0) return null;
            return Encoding.Unicode.GetString(Range(c, ptr, bytes));
        }
        catch (StatusException)
        {
            return null;
        }
    }
}
