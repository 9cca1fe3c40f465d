// Splits very large functions. RyuJIT compiles a method unoptimized (MinOpts) past about 20,000 IL
// instructions or 2,000 basic blocks, and real programs (SQLite's VDBE loop, big Rust functions) exceed
// that. The planner estimates the IL cost of every block/loop/if and picks constructs to outline into
// their own methods until every method fits a budget. Outlined code shares the function's locals through
// a frame struct (copied in and out around each call) and reports how it left through an exit code.
using Wasql.Wasm.Binary;
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Compilation;

/// <summary>A block, loop or if construct compiled as a separate method.</summary>
internal sealed class Region
{
    /// <summary>Offset of the construct's opcode and one past its matching end.</summary>
    public int Start, End;
    public Opcode Kind;
    /// <summary>Locals the region reads or writes (copied in), and the ones it writes (copied back).</summary>
    public int[] Locals = [];
    public int[] Writes = [];
    /// <summary>Labels outside the region it branches to, as depths relative to the construct's parent.</summary>
    public int[] Exits = [];
    public bool Returns;
}

internal sealed class RegionPlan
{
    public static readonly RegionPlan None = new();
    public Dictionary<int, Region> ByStart { get; } = [];
    public bool IsEmpty => ByStart.Count == 0;
}

internal static class RegionPlanner
{
    private sealed class Node
    {
        public int Start, End;
        public Opcode Kind;
        public long OwnCost, OwnBlocks;
        public long Cost, Blocks; // effective, with chosen descendants replaced by a call
        public Node? Parent;
        public List<Node> Children = [];
        public bool Chosen;
        /// <summary>Inside a chosen region: compiled as part of that region's method.</summary>
        public bool Covered;
        /// <summary>Contains a chosen region: not chosen itself, so regions never call regions in chains.</summary>
        public bool HasChosenDescendant;
        /// <summary>A br_table inside jumps out of this construct: it is part of a switch's dispatch nest.</summary>
        public bool Dispatch;
    }

    /// <summary>Estimated cost of the call sequence that replaces an outlined region.</summary>
    private const long CallCost = 60;

    public static RegionPlan Plan(ModuleInfo m, FunctionBody body, int budget, bool partially)
    {
        var root = Scan(m, body);
        Evaluate(root);
        if (Fits(root, budget)) return RegionPlan.None;

        var all = new List<Node>();
        Collect(root, all);
        while (!Fits(root, budget))
        {
            Node? best = null;
            foreach (var n in all)
            {
                if (n.Chosen || n.Covered || n.HasChosenDescendant || (n.Dispatch && !partially) || n == root || !Fits(n, budget) || n.Cost < budget / 64) continue;
                if (best is null || n.Cost > best.Cost) best = n;
            }
            // What remains is straight-line code or a switch's dispatch nest: the function would stay
            // unoptimized however many regions were cut out, and the region calls would only add
            // overhead (measured on SQLite's VDBE loop), so leave it whole.
            if (best is null)
            {
                if (!partially) return RegionPlan.None;
                break;
            }
            best.Chosen = true;
            Cover(best);
            for (var p = best.Parent; p is not null; p = p.Parent) p.HasChosenDescendant = true;
            Evaluate(root);
        }

        var plan = new RegionPlan();
        foreach (var n in all.Where(n => n.Chosen))
            plan.ByStart[n.Start] = Describe(m, n);
        return plan;
    }

    private static bool Fits(Node n, int budget) => n.Cost <= budget && n.Blocks <= budget / 10;

    /// <summary>Marks every descendant of a chosen region (each node is covered at most once overall).</summary>
    private static void Cover(Node chosen)
    {
        var stack = new Stack<Node>(chosen.Children);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.Covered) continue;
            n.Covered = true;
            foreach (var c in n.Children) stack.Push(c);
        }
    }

    private static void Collect(Node n, List<Node> all)
    {
        var stack = new Stack<Node>();
        stack.Push(n);
        while (stack.Count > 0)
        {
            var x = stack.Pop();
            all.Add(x);
            foreach (var c in x.Children) stack.Push(c);
        }
    }

    /// <summary>Recomputes effective costs bottom-up without recursion (nesting can be very deep).</summary>
    private static void Evaluate(Node root)
    {
        var order = new List<Node>();
        Collect(root, order);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var n = order[i];
            n.Cost = n.OwnCost;
            n.Blocks = n.OwnBlocks;
            foreach (var c in n.Children)
            {
                n.Cost += c.Chosen ? CallCost : c.Cost;
                n.Blocks += c.Chosen ? 4 : c.Blocks;
            }
        }
    }

    private static Node Scan(ModuleInfo m, FunctionBody body)
    {
        var root = new Node { Start = body.CodeOffset, End = body.End, Kind = Opcode.Block };
        var open = new Stack<Node>();
        open.Push(root);
        var r = new WasmReader(m.Bytes, body.CodeOffset, body.End);
        while (!r.AtEnd)
        {
            int at = r.Position;
            var op = r.ReadOpcode();
            var top = open.Peek();
            switch (op)
            {
                case Opcode.Block or Opcode.Loop or Opcode.If:
                    r.ReadS33();
                    var child = new Node { Start = at, Kind = op, Parent = top, OwnCost = 3, OwnBlocks = op == Opcode.Block ? 1 : 2 };
                    top.Children.Add(child);
                    open.Push(child);
                    continue;
                case Opcode.End:
                    top.OwnBlocks++;
                    top.End = r.Position;
                    if (open.Count > 1) open.Pop();
                    continue;
            }
            if (op == Opcode.BrTable)
            {
                // Outlining a block of a switch's dispatch nest would turn every dispatch into a chain of
                // region calls and returns: mark the constructs the table jumps out of.
                int at2 = r.Position;
                uint targets = r.ReadU32();
                uint deepest = 0;
                for (uint i = 0; i <= targets; i++) deepest = Math.Max(deepest, r.ReadU32());
                int k = 0;
                foreach (var n in open)
                {
                    if (k++ >= deepest) break;
                    n.Dispatch = true;
                }
                r.Position = at2;
            }
            Immediates.Skip(ref r, op);
            var (cost, blocks) = CostOf(op);
            top.OwnCost += cost;
            top.OwnBlocks += blocks;
        }
        return root;
    }

    private static (int Cost, int Blocks) CostOf(Opcode op) => op switch
    {
        Opcode.LocalGet or Opcode.LocalSet or Opcode.Nop or Opcode.Drop => (1, 0),
        Opcode.LocalTee or Opcode.I32Const or Opcode.F32Const or Opcode.F64Const => (2, 0),
        Opcode.I64Const => (2, 0),
        >= Opcode.I32Load and <= Opcode.I64Store32 => (8, 0),
        Opcode.Call => (10, 0),
        Opcode.CallIndirect => (16, 0),
        Opcode.Br or Opcode.Return or Opcode.Unreachable => (3, 1),
        Opcode.BrIf or Opcode.Else => (3, 1),
        Opcode.BrTable => (8, 8),
        Opcode.Select or Opcode.SelectTyped => (9, 2),
        Opcode.GlobalGet or Opcode.GlobalSet => (6, 0),
        _ => (3, 0),
    };

    /// <summary>Second pass over a chosen region: the locals it touches and the labels it leaves through.</summary>
    private static Region Describe(ModuleInfo m, Node n)
    {
        var reads = new HashSet<int>();
        var writes = new HashSet<int>();
        var exits = new SortedSet<int>();
        bool returns = false;
        int depth = 0; // constructs open inside the region, the region's own construct included
        var r = new WasmReader(m.Bytes, n.Start, n.End);
        while (!r.AtEnd)
        {
            var op = r.ReadOpcode();
            switch (op)
            {
                case Opcode.Block or Opcode.Loop or Opcode.If: r.ReadS33(); depth++; break;
                case Opcode.End: depth--; break;
                case Opcode.LocalGet: reads.Add((int)r.ReadU32()); break;
                case Opcode.LocalSet or Opcode.LocalTee: writes.Add((int)r.ReadU32()); break;
                case Opcode.Br or Opcode.BrIf:
                    AddExit(r.ReadU32());
                    break;
                case Opcode.BrTable:
                    uint count = r.ReadU32();
                    for (uint i = 0; i <= count; i++) AddExit(r.ReadU32());
                    break;
                case Opcode.Return: returns = true; break;
                default: Immediates.Skip(ref r, op); break;
            }
        }
        void AddExit(uint d)
        {
            if (d >= depth) exits.Add((int)d - depth);
        }
        reads.UnionWith(writes);
        return new Region
        {
            Start = n.Start,
            End = n.End,
            Kind = n.Kind,
            Locals = reads.Order().ToArray(),
            Writes = writes.Order().ToArray(),
            Exits = exits.ToArray(),
            Returns = returns,
        };
    }
}
