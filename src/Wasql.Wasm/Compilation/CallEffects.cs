// What functions do, found once per module by scanning every body: which globals each one uses (so their cells can
// be loaded once per call), and which defined functions may grow linear memory
// (memory.grow, a call to an import or through a table, or a call to such a function; propagated over the call
// graph), and which make no wasm calls at all (leaves). The compiler uses it to keep the memory base and length in
// registers across calls that cannot move them, and to skip the stack probe of small leaves.
using Wasql.Wasm.Binary;
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Compilation;

internal sealed class CallEffects
{
    /// <summary>Leaves with at most this many locals skip the stack probe: their frame is small and bounded, and
    /// the stack limit keeps a reserve far larger than that below it.</summary>
    public const int SmallLeafLocals = 64;

    private readonly bool[] _mayGrowMemory;
    private readonly bool[] _isLeaf;
    private readonly int[][] _globalsUsed;
    private readonly int[][] _callees;

    private CallEffects(bool[] mayGrow, bool[] leaf, int[][] globalsUsed, int[][] callees)
    {
        _mayGrowMemory = mayGrow;
        _isLeaf = leaf;
        _globalsUsed = globalsUsed;
        _callees = callees;
    }

    /// <summary>The defined functions defined function <paramref name="definedIndex"/> calls directly, in the order
    /// of their first call site, each once.</summary>
    public int[] Callees(int definedIndex) => _callees[definedIndex];

    /// <summary>The globals defined function <paramref name="definedIndex"/> reads or writes, ascending.</summary>
    public int[] GlobalsUsed(int definedIndex) => _globalsUsed[definedIndex];

    /// <summary>True when calling defined function <paramref name="definedIndex"/> may grow (and so move) memory.</summary>
    public bool MayGrowMemory(int definedIndex) => _mayGrowMemory[definedIndex];

    /// <summary>True when defined function <paramref name="definedIndex"/> calls no wasm function.</summary>
    public bool IsLeaf(int definedIndex) => _isLeaf[definedIndex];

    public static CallEffects Analyze(ModuleInfo m)
    {
        int imported = m.ImportedFunctionCount, n = m.Bodies.Count;
        var grows = new bool[n];
        var leaf = new bool[n];
        var callers = new List<int>?[n];
        var globals = new int[n][];
        var callees = new int[n][];
        var used = new SortedSet<int>();
        var called = new List<int>();
        var seen = new HashSet<int>();
        for (int i = 0; i < n; i++)
        {
            var body = m.Bodies[i];
            var r = new WasmReader(m.Bytes, body.CodeOffset, body.End);
            bool calls = false;
            used.Clear();
            called.Clear();
            seen.Clear();
            while (!r.AtEnd)
            {
                var op = r.ReadOpcode();
                switch (op)
                {
                    case Opcode.MemoryGrow:
                        grows[i] = true;
                        break;
                    case Opcode.Call:
                        calls = true;
                        uint target = r.ReadU32();
                        if (target < imported) grows[i] = true;   // a host function may grow memory
                        else
                        {
                            (callers[target - imported] ??= []).Add(i);
                            if (seen.Add((int)(target - imported))) called.Add((int)(target - imported));
                        }
                        continue;
                    case Opcode.CallIndirect:
                        calls = true;
                        grows[i] = true;
                        break;
                    case Opcode.GlobalGet or Opcode.GlobalSet:
                        used.Add((int)r.ReadU32());
                        continue;
                }
                Immediates.Skip(ref r, op);
            }
            leaf[i] = !calls;
            globals[i] = [.. used];
            callees[i] = [.. called];
        }
        var work = new Stack<int>(Enumerable.Range(0, n).Where(i => grows[i]));
        while (work.Count > 0)
            foreach (var c in callers[work.Pop()] ?? [])
                if (!grows[c])
                {
                    grows[c] = true;
                    work.Push(c);
                }
        return new CallEffects(grows, leaf, globals, callees);
    }
}
