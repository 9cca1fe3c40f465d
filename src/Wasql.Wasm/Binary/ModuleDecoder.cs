// Decodes the sections of a Wasm 2.0 binary into a ModuleInfo. Function bodies are only framed here
// (locals and extent); their instructions are read by the validator and the compiler.
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Binary;

internal static class ModuleDecoder
{
    /// <summary>Upper bound on locals per function (V8 uses the same figure); keeps hostile modules from exhausting the JIT.</summary>
    public const long MaxLocals = 50_000;
    public const int MaxFunctionBodySize = 7_654_321;

    private static ReadOnlySpan<byte> Magic => [0x00, 0x61, 0x73, 0x6D];

    public static ModuleInfo Decode(byte[] bytes)
    {
        var m = new ModuleInfo { Bytes = bytes };
        var r = new WasmReader(bytes);
        if (bytes.Length < 4 || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
            throw new MalformedModuleException("magic header not detected", 0);
        r.Position = 4;
        if (bytes.Length < 8) throw new MalformedModuleException("unexpected end", bytes.Length);
        uint version = BitConverter.ToUInt32(bytes, 4);
        if (version != 1) throw new MalformedModuleException($"unknown binary version {version}", 4);
        r.Position = 8;

        int lastOrder = 0;
        uint? declaredFunctionCount = null;
        bool sawCode = false;
        while (!r.AtEnd)
        {
            int idAt = r.Position;
            byte id = r.ReadByte();
            uint size = r.ReadU32();
            int start = r.Position;
            if (size > (uint)r.Remaining) throw new MalformedModuleException("section size mismatch: length out of bounds", start);
            int end = start + (int)size;
            if (id != 0)
            {
                int order = SectionOrder(id, idAt);
                if (order <= lastOrder) throw new MalformedModuleException("unexpected content after last section (section out of order or repeated)", idAt);
                lastOrder = order;
            }
            var s = new WasmReader(bytes, start, end);
            switch (id)
            {
                case 0: ReadCustom(ref s, m); break;
                case 1: ReadTypes(ref s, m); break;
                case 2: ReadImports(ref s, m); break;
                case 3: declaredFunctionCount = ReadFunctions(ref s, m); break;
                case 4: ReadVec(ref s, m, static (ref WasmReader r, ModuleInfo m) => m.Tables.Add(ReadTableType(ref r))); break;
                case 5: ReadVec(ref s, m, static (ref WasmReader r, ModuleInfo m) => m.Memories.Add(new MemoryType(ReadLimits(ref r)))); break;
                case 6: ReadGlobals(ref s, m); break;
                case 7: ReadExports(ref s, m); break;
                case 8: m.StartFunction = s.ReadU32(); break;
                case 9: ReadVec(ref s, m, static (ref WasmReader r, ModuleInfo m) => m.Elements.Add(ReadElement(ref r))); break;
                case 10: ReadCode(ref s, m, declaredFunctionCount ?? 0); sawCode = true; break;
                case 11: ReadData(ref s, m); break;
                case 12: m.DataCount = s.ReadU32(); break;
            }
            if (s.Position != end) throw new MalformedModuleException("section size mismatch", s.Position);
            r.Position = end;
        }

        if (!sawCode && (declaredFunctionCount ?? 0) != 0)
            throw new MalformedModuleException("function and code section have inconsistent lengths", bytes.Length);
        if (m.DataCount is uint dc && dc != m.Data.Count)
            throw new MalformedModuleException("data count and data section have inconsistent lengths", bytes.Length);
        return m;
    }

    private static int SectionOrder(byte id, int at) => id switch
    {
        >= 1 and <= 9 => id,
        12 => 10,
        10 => 11,
        11 => 12,
        _ => throw new MalformedModuleException($"malformed section id {id}", at),
    };

    private delegate void ItemReader(ref WasmReader r, ModuleInfo m);

    private static void ReadVec(ref WasmReader r, ModuleInfo m, ItemReader item)
    {
        uint n = r.ReadU32();
        for (uint i = 0; i < n; i++) item(ref r, m);
    }

    private static void ReadCustom(ref WasmReader r, ModuleInfo m)
    {
        string name = r.ReadName();
        int payloadStart = r.Position;
        var payload = m.Bytes.AsMemory(payloadStart, r.End - payloadStart);
        m.CustomSections.Add((name, payload));
        r.Position = r.End;
        if (name == "name") NameSection.TryRead(m, payloadStart, r.End);
    }

    private static void ReadTypes(ref WasmReader r, ModuleInfo m)
    {
        uint n = r.ReadU32();
        for (uint i = 0; i < n; i++)
        {
            int at = r.Position;
            byte form = r.ReadByte();
            if (form != 0x60) throw new MalformedModuleException($"malformed function type form 0x{form:x2} (expected 0x60)", at);
            var ps = ReadValTypes(ref r);
            var rs = ReadValTypes(ref r);
            m.Types.Add(new FuncType(ps, rs));
        }
    }

    private static ValType[] ReadValTypes(ref WasmReader r)
    {
        uint n = r.ReadU32();
        if (n > (uint)r.Remaining) throw r.Error("length out of bounds");
        var ts = new ValType[n];
        for (int i = 0; i < ts.Length; i++) ts[i] = r.ReadValType();
        return ts;
    }

    private static void ReadImports(ref WasmReader r, ModuleInfo m)
    {
        uint n = r.ReadU32();
        for (uint i = 0; i < n; i++)
        {
            string module = r.ReadName();
            string name = r.ReadName();
            int kindAt = r.Position;
            byte kind = r.ReadByte();
            switch (kind)
            {
                case 0:
                    uint ti = r.ReadU32();
                    m.Imports.Add(new Import { Module = module, Name = name, Kind = ExternKind.Func, TypeIndex = ti });
                    m.FunctionTypes.Add(ti);
                    m.ImportedFunctionCount++;
                    break;
                case 1:
                    var tt = ReadTableType(ref r);
                    m.Imports.Add(new Import { Module = module, Name = name, Kind = ExternKind.Table, Table = tt });
                    m.Tables.Add(tt);
                    m.ImportedTableCount++;
                    break;
                case 2:
                    var mt = new MemoryType(ReadLimits(ref r));
                    m.Imports.Add(new Import { Module = module, Name = name, Kind = ExternKind.Memory, Memory = mt });
                    m.Memories.Add(mt);
                    m.ImportedMemoryCount++;
                    break;
                case 3:
                    var gt = ReadGlobalType(ref r);
                    m.Imports.Add(new Import { Module = module, Name = name, Kind = ExternKind.Global, Global = gt });
                    m.Globals.Add(gt);
                    m.ImportedGlobalCount++;
                    break;
                default:
                    throw new MalformedModuleException($"malformed import kind {kind}", kindAt);
            }
        }
    }

    private static uint ReadFunctions(ref WasmReader r, ModuleInfo m)
    {
        uint n = r.ReadU32();
        if (n > (uint)r.Remaining) throw r.Error("length out of bounds");
        for (uint i = 0; i < n; i++) m.FunctionTypes.Add(r.ReadU32());
        return n;
    }

    private static TableType ReadTableType(ref WasmReader r)
    {
        var et = r.ReadRefType();
        return new TableType(et, ReadLimits(ref r));
    }

    private static Limits ReadLimits(ref WasmReader r)
    {
        int at = r.Position;
        byte flag = r.ReadByte();
        switch (flag)
        {
            case 0: return new Limits(r.ReadU32(), null);
            case 1:
                uint min = r.ReadU32();
                return new Limits(min, r.ReadU32());
            default:
                throw new MalformedModuleException($"integer too large: malformed limits flags 0x{flag:x2}", at);
        }
    }

    private static GlobalType ReadGlobalType(ref WasmReader r)
    {
        var t = r.ReadValType();
        int at = r.Position;
        byte mut = r.ReadByte();
        if (mut > 1) throw new MalformedModuleException($"malformed mutability 0x{mut:x2}", at);
        return new GlobalType(t, mut == 1);
    }

    private static void ReadGlobals(ref WasmReader r, ModuleInfo m)
    {
        uint n = r.ReadU32();
        for (uint i = 0; i < n; i++)
        {
            var gt = ReadGlobalType(ref r);
            var init = ConstExprReader.Read(ref r);
            m.Globals.Add(gt);
            m.GlobalDefs.Add(new GlobalDef(gt, init));
        }
    }

    private static void ReadExports(ref WasmReader r, ModuleInfo m)
    {
        uint n = r.ReadU32();
        for (uint i = 0; i < n; i++)
        {
            string name = r.ReadName();
            int at = r.Position;
            byte kind = r.ReadByte();
            if (kind > 3) throw new MalformedModuleException($"malformed export kind {kind}", at);
            m.Exports.Add(new Export(name, (ExternKind)kind, r.ReadU32()));
        }
    }

    private static ElementSegment ReadElement(ref WasmReader r)
    {
        int at = r.Position;
        uint flags = r.ReadU32();
        if (flags > 7) throw new MalformedModuleException($"malformed elements segment kind {flags}", at);
        bool passiveOrDeclarative = (flags & 1) != 0;
        bool explicitTable = (flags & 2) != 0;
        bool usesExprs = (flags & 4) != 0;
        var mode = !passiveOrDeclarative ? SegmentMode.Active : explicitTable ? SegmentMode.Declarative : SegmentMode.Passive;
        uint table = 0;
        ConstExpr offset = default;
        if (mode == SegmentMode.Active)
        {
            if (explicitTable) table = r.ReadU32();
            offset = ConstExprReader.Read(ref r);
        }
        ValType type = ValType.FuncRef;
        if (mode != SegmentMode.Active || explicitTable)
        {
            if (usesExprs) type = r.ReadRefType();
            else
            {
                int kat = r.Position;
                byte kind = r.ReadByte();
                if (kind != 0) throw new MalformedModuleException($"malformed element kind 0x{kind:x2}", kat);
            }
        }
        uint n = r.ReadU32();
        if (n > (uint)r.Remaining) throw r.Error("length out of bounds");
        var items = new ConstExpr[n];
        for (int i = 0; i < items.Length; i++)
            items[i] = usesExprs ? ConstExprReader.Read(ref r) : new ConstExpr(ConstKind.RefFunc, r.ReadU32());
        return new ElementSegment { Mode = mode, TableIndex = table, Offset = offset, ElementType = type, Items = items };
    }

    private static void ReadCode(ref WasmReader r, ModuleInfo m, uint declared)
    {
        int at = r.Position;
        uint n = r.ReadU32();
        if (n != declared) throw new MalformedModuleException("function and code section have inconsistent lengths", at);
        for (uint i = 0; i < n; i++)
        {
            uint size = r.ReadU32();
            int bodyStart = r.Position;
            if (size > (uint)r.Remaining) throw r.Error("unexpected end of section or function");
            if (size > MaxFunctionBodySize) throw r.Error("function body too large");
            int bodyEnd = bodyStart + (int)size;
            var b = new WasmReader(m.Bytes, bodyStart, bodyEnd);
            uint runs = b.ReadU32();
            if (runs > (uint)b.Remaining) throw b.Error("too many locals");
            var locals = new LocalRun[runs];
            long total = 0;
            for (int k = 0; k < locals.Length; k++)
            {
                uint count = b.ReadU32();
                total += count;
                if (total > uint.MaxValue) throw b.Error("too many locals");
                locals[k] = new LocalRun(count, b.ReadValType());
            }
            if (total > MaxLocals) throw b.Error($"too many locals ({total}; the limit is {MaxLocals})");
            if (size == 0 || m.Bytes[bodyEnd - 1] != (byte)Opcode.End)
                throw new MalformedModuleException("END opcode expected at the end of the function body", bodyEnd);
            m.Bodies.Add(new FunctionBody { Offset = bodyStart, CodeOffset = b.Position, End = bodyEnd, Locals = locals, LocalCount = total });
            r.Position = bodyEnd;
        }
    }

    private static void ReadData(ref WasmReader r, ModuleInfo m)
    {
        uint n = r.ReadU32();
        for (uint i = 0; i < n; i++)
        {
            int at = r.Position;
            uint flags = r.ReadU32();
            SegmentMode mode;
            uint mem = 0;
            ConstExpr offset = default;
            switch (flags)
            {
                case 0: mode = SegmentMode.Active; offset = ConstExprReader.Read(ref r); break;
                case 1: mode = SegmentMode.Passive; break;
                case 2: mode = SegmentMode.Active; mem = r.ReadU32(); offset = ConstExprReader.Read(ref r); break;
                default: throw new MalformedModuleException($"malformed data segment kind {flags}", at);
            }
            uint len = r.ReadU32();
            if (len > (uint)r.Remaining) throw r.Error("unexpected end of section or function");
            int start = r.Position;
            r.ReadBytes((int)len);
            m.Data.Add(new DataSegment { Mode = mode, MemoryIndex = mem, Offset = offset, Bytes = m.Bytes.AsMemory(start, (int)len) });
        }
    }
}
