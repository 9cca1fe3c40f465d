// The "name" custom section: function and module names for backtraces. Malformed content is ignored,
// as the spec allows for custom sections.
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Binary;

internal static class NameSection
{
    public static void TryRead(ModuleInfo m, int start, int end)
    {
        try
        {
            var r = new WasmReader(m.Bytes, start, end);
            while (!r.AtEnd)
            {
                byte id = r.ReadByte();
                uint size = r.ReadU32();
                int subEnd = r.Position + (int)size;
                if (size > (uint)r.Remaining) return;
                if (id == 0) m.ModuleName = r.ReadName();
                else if (id == 1)
                {
                    uint n = r.ReadU32();
                    for (uint i = 0; i < n; i++)
                    {
                        uint idx = r.ReadU32();
                        m.FunctionNames[idx] = r.ReadName();
                    }
                }
                r.Position = subEnd;
            }
        }
        catch (MalformedModuleException)
        {
            // A broken name section only costs us names in backtraces.
        }
    }
}
