// The scalar arrow-udf protocol (reference page "Scalar call"): IPC FILE bytes into guest memory behind an 8-byte
// CSlice, call arrowudf_X(p+8, n, p), read the CSlice, copy the output, free both buffers, rc selects batch or message.
using System.Text;
using Apache.Arrow;
using Wasql.Arrow;
using Wasql.Udf.ArrowUdf;
using Wasql.Udf.Pooling;

namespace Wasql.Udf;

internal static class ArrowUdfCalls
{
    /// <summary>A scratch buffer grown past this is dropped after the call rather than kept by the instance.</summary>
    private const int MaxKeptScratchBytes = 4 << 20;

    public static UdfScalarResult Scalar(ArrowUdfFunction f, RecordBatch input)
    {
        if (input.ColumnCount < f.ArgumentTypes.Count)
            throw new UdfException(UdfErrorKind.Signature, f.Name,
                $"{f.Signature} takes {f.ArgumentTypes.Count} arguments, the input batch has {input.ColumnCount} columns");
        var prepared = InputPreparer.ZeroNullSlots(input);
        var pool = f.Module.Pool;
        var inst = pool.Rent(f.Name);
        var scratch = inst.IpcScratch;
        try
        {
            scratch.SetLength(0);
            ArrowIpc.WriteFile(prepared, scratch);   // the input is encoded into the instance's reused buffer
        }
        catch
        {
            pool.Return(inst);   // a batch the writer refuses is the caller's error: the instance is fine
            throw;
        }
        f.Module.Runtime.Diagnostics.SchemaEncoded();   // the file's footer carries the schema, encoded per write
        try
        {
            return Run(inst, f, scratch.GetBuffer().AsSpan(0, (int)scratch.Length), input.Length);
        }
        finally
        {
            if (scratch.Capacity > MaxKeptScratchBytes) { scratch.SetLength(0); scratch.Capacity = 0; }
            pool.Return(inst);
        }
    }

    /// <summary>Runs the protocol on ready IPC bytes; <paramref name="expectedRows"/> &lt; 0 skips the row-count check.</summary>
    public static UdfScalarResult ScalarIpc(ArrowUdfFunction f, ReadOnlySpan<byte> ipc, int expectedRows)
    {
        var pool = f.Module.Pool;
        var inst = pool.Rent(f.Name);
        try
        {
            return Run(inst, f, ipc, expectedRows);
        }
        finally
        {
            pool.Return(inst);
        }
    }

    /// <summary>One scalar exchange on a rented instance (the caller returns it); failures mark it broken.</summary>
    private static UdfScalarResult Run(PooledInstance inst, ArrowUdfFunction f, ReadOnlySpan<byte> ipc, int expectedRows)
    {
        try
        {
            var (rc, output) = Exchange(inst, f, ipc, keepHandle: false, out _);
            if (rc != 0) throw GuestError(inst, f, output);
            RecordBatch batch;
            try
            {
                batch = ArrowIpc.ReadFile(new ReadOnlyMemory<byte>(output));   // zero-copy over the one copy out of guest memory
            }
            catch (ArrowFormatException e)
            {
                throw inst.Fail(f.Name, new UdfException(UdfErrorKind.Protocol, f.Name, $"guest output is not a valid Arrow IPC file: {e.Message}", inner: e));
            }
            if (batch.ColumnCount < 1 || (expectedRows >= 0 && batch.Length != expectedRows))
                throw inst.Fail(f.Name, new UdfException(UdfErrorKind.Protocol, f.Name,
                    $"guest returned {batch.Length} rows and {batch.ColumnCount} columns for {expectedRows} input rows"));
            f.Warm = true;
            inst.Cold = false;
            return new UdfScalarResult(f.Name, batch, 0);
        }
        catch (Exception e) when (e is not UdfException)
        {
            throw inst.Fail(f.Name, e);
        }
        catch (UdfException)
        {
            inst.Broken = true;
            throw;
        }
    }

    /// <summary>
    /// alloc(L,4), copy, call, read the CSlice at p. For a scalar call (keepHandle false) copies the output and
    /// frees both buffers. For a table call with rc == 0 leaves p allocated and returns the iterator in
    /// <paramref name="handle"/> (ptr = p, len = L, iter).
    /// </summary>
    public static (int Rc, byte[] Output) Exchange(PooledInstance inst, ArrowUdfFunction f, ReadOnlySpan<byte> ipc, bool keepHandle,
        out (int P, int L, uint Iter) handle)
    {
        handle = default;
        var alloc = GuestBuffers.Alloc(inst);
        var dealloc = GuestBuffers.Dealloc(inst);
        var call = inst.Export<Func<int, int, int, int>>(f.ExportName);
        inst.Cold = !f.Warm;
        int n = ipc.Length;
        int L = checked(n + 8);
        inst.BeginCall();
        int p = alloc(L, 4);
        inst.EndCall();
        if (p == 0) throw inst.Fail(f.Name, new UdfException(UdfErrorKind.OutOfMemory, f.Name, $"guest alloc({L}) failed", stdout: inst.Output.Stdout, stderr: inst.Output.Stderr));
        ipc.CopyTo(GuestBuffers.Range(inst, f.Name, (uint)p + 8, (uint)n));
        inst.BeginCall();
        int rc = call(p + 8, n, p);
        inst.EndCall();
        var (optr, olen) = GuestBuffers.ReadCSlice(inst, f.Name, (uint)p);
        if (keepHandle && rc == 0)
        {
            handle = (p, L, optr);
            return (0, []);
        }
        byte[] output = GuestBuffers.Range(inst, f.Name, optr, olen).ToArray();
        inst.BeginCall();
        dealloc(p, L, 4);
        if (olen != 0) dealloc((int)optr, (int)olen, 1);
        inst.EndCall();
        return (rc, output);
    }

    public static UdfException GuestError(PooledInstance inst, ArrowUdfFunction f, byte[] message)
    {
        var (o, e) = inst.Output;
        return inst.Fail(f.Name, new UdfException(UdfErrorKind.GuestError, f.Name, Encoding.UTF8.GetString(message), stdout: o, stderr: e));
    }

    public static UdfTableReader Table(ArrowUdfFunction f, RecordBatch input)
    {
        if (input.ColumnCount < f.ArgumentTypes.Count)
            throw new UdfException(UdfErrorKind.Signature, f.Name,
                $"{f.Signature} takes {f.ArgumentTypes.Count} arguments, the input batch has {input.ColumnCount} columns");
        byte[] ipc = ArrowIpc.WriteFile(InputPreparer.ZeroNullSlots(input));
        f.Module.Runtime.Diagnostics.SchemaEncoded();
        return new UdfTableReader(TableCall.Start(f, ipc));
    }
}
