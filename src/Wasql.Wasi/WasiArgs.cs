// args_* and environ_*: the argument and environment strings fixed at Build() time, pre-encoded as
// NUL-terminated UTF-8 and copied into guest memory on request.
using Wasql.Wasm;

namespace Wasql.Wasi;

public sealed partial class WasiContext
{
    private int ArgsSizesGet(Caller c, int countPtr, int bufSizePtr) => SizesGet(c, _args, countPtr, bufSizePtr);
    private int ArgsGet(Caller c, int argvPtr, int bufPtr) => StringsGet(c, _args, argvPtr, bufPtr);
    private int EnvironSizesGet(Caller c, int countPtr, int bufSizePtr) => SizesGet(c, _env, countPtr, bufSizePtr);
    private int EnvironGet(Caller c, int environPtr, int bufPtr) => StringsGet(c, _env, environPtr, bufPtr);

    private static int SizesGet(Caller c, byte[][] strings, int countPtr, int bufSizePtr)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            long total = 0;
            foreach (var s in strings) total += s.Length;
            if (total > uint.MaxValue) return (int)Errno.Overflow;
            mem.WriteU32(countPtr, (uint)strings.Length);
            mem.WriteU32(bufSizePtr, (uint)total);
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }

    private static int StringsGet(Caller c, byte[][] strings, int pointersPtr, int bufPtr)
    {
        try
        {
            var mem = GuestMemory.Of(c);
            long total = 0;
            foreach (var s in strings) total += s.Length;
            // Check both destinations up front so a bad pointer leaves guest memory untouched.
            mem.Slice((uint)pointersPtr, (uint)strings.Length * 4u);
            if (total > uint.MaxValue) return (int)Errno.Overflow;
            mem.Slice((uint)bufPtr, (uint)total);
            uint at = (uint)bufPtr;
            for (int i = 0; i < strings.Length; i++)
            {
                mem.WriteU32(pointersPtr + i * 4, at);
                strings[i].CopyTo(mem.Slice(at, (uint)strings[i].Length));
                at += (uint)strings[i].Length;
            }
            return 0;
        }
        catch (Exception e) when (e is not TrapException) { return Fail(e); }
    }
}
