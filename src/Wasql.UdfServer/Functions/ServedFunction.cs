// One catalog function as the Flight UDF protocol sees it: its input schema (one field per argument), its output
// schema (scalar: one field named after the function; table: `row` int32 then that field) and how one input batch is
// evaluated. Evaluation is synchronous and CPU-bound: the caller runs it on a worker under the concurrency limit.
using Apache.Arrow;
using Apache.Arrow.Flight;
using Apache.Arrow.Types;
using Grpc.Core;
using Wasql.Arrow;
using Wasql.Database;
using Wasql.Database.Catalog;
using Wasql.Udf;

namespace Wasql.UdfServer.Functions;

internal abstract class ServedFunction
{
    /// <summary>The protocol's table functions answer in batches of at most this many rows.</summary>
    public const int MaxTableBatchRows = 1024;
    public const string RowColumn = "row";

    protected ServedFunction(WasqlFunctionInfo info, IReadOnlyList<Field> inputs, Field output)
    {
        Info = info;
        InputSchema = new Schema(inputs, null);
        Output = output;
        OutputSchema = info.IsTable
            ? new Schema([new Field(RowColumn, Int32Type.Default, false), output], null)
            : new Schema([output], null);
    }

    public WasqlFunctionInfo Info { get; }
    public string Name => Info.Name;
    public Schema InputSchema { get; }
    public Field Output { get; }
    public Schema OutputSchema { get; }

    /// <summary>The protocol's FlightInfo: input fields then output fields, total_records = the number of inputs.</summary>
    public FlightInfo FlightInfo()
    {
        var fields = InputSchema.FieldsList.Concat(OutputSchema.FieldsList);
        return new FlightInfo(new Schema(fields, null), FlightDescriptor.CreatePathDescriptor(Name), [], InputSchema.FieldsList.Count, 0);
    }

    /// <summary>Whether a client's input schema fits: same arity, same Arrow types by position (names are free).</summary>
    public string? Mismatch(Schema client)
    {
        var want = InputSchema.FieldsList;
        var got = client.FieldsList;
        if (got.Count != want.Count) return $"takes {want.Count} arguments ({Types(want)}), the input schema has {got.Count} ({Types(got)})";
        for (int i = 0; i < want.Count; i++)
            if (!ArrowTypes.Same(want[i].DataType, got[i].DataType))
                return $"argument {i + 1} is {want[i].DataType.Name}, the input schema has {got[i].DataType.Name}";
        return null;
    }

    private static string Types(IReadOnlyList<Field> fields) => string.Join(", ", fields.Select(f => f.DataType.Name));

    /// <summary>Output batches for one input batch (scalar: exactly one, same row count). Throws UdfServerException.</summary>
    public abstract IEnumerable<RecordBatch> Evaluate(RecordBatch input);

    protected UdfServerException Failed(UdfException e) => new(e.Kind switch
    {
        UdfErrorKind.Timeout => StatusCode.DeadlineExceeded,
        UdfErrorKind.Signature => StatusCode.InvalidArgument,
        UdfErrorKind.OutOfMemory => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    }, Name, e.Message, e);

    public static ServedFunction? For(CatalogFunction f) => f switch
    {
        { Arrow: { IsTable: true } a } => new ArrowUdfTable(f.Info, a),
        { Arrow: { } a } => new ArrowUdfScalar(f.Info, a),
        { Direct: { } d } when !f.Info.IsTable => new DirectScalar(f.Info, d),
        _ => null,
    };

    protected static IReadOnlyList<Field> ArrowUdfInputs(ArrowUdfFunction a) =>
        a.ArgumentTypes.Select((t, i) => new Field("arg" + i, t.ArrowType, true, t.Field.HasMetadata ? t.Field.Metadata : null)).ToList();

    protected static Field ArrowUdfOutput(string name, ArrowUdfFunction a) =>
        new(name, a.ReturnType.ArrowType, true, a.ReturnType.Field.HasMetadata ? a.ReturnType.Field.Metadata : null);
}

/// <summary>An arrow-udf scalar function: the batch goes to the guest as it is.</summary>
internal sealed class ArrowUdfScalar(WasqlFunctionInfo info, ArrowUdfFunction function)
    : ServedFunction(info, ArrowUdfInputs(function), ArrowUdfOutput(info.Name, function))
{
    public override IEnumerable<RecordBatch> Evaluate(RecordBatch input)
    {
        UdfScalarResult result;
        try
        {
            result = function.CallScalar(input);
            result.ThrowIfAnyError();   // the protocol has no per-row errors: the first one ends the exchange
        }
        catch (UdfException e)
        {
            throw Failed(e);
        }
        return [new RecordBatch(OutputSchema, [result.Values], input.Length)];
    }
}

/// <summary>An arrow-udf table function: the guest's (row, value[, error]) batches, re-cut to at most 1024 rows.</summary>
internal sealed class ArrowUdfTable(WasqlFunctionInfo info, ArrowUdfFunction function)
    : ServedFunction(info, ArrowUdfInputs(function), ArrowUdfOutput(info.Name, function))
{
    public override IEnumerable<RecordBatch> Evaluate(RecordBatch input)
    {
        var output = new List<RecordBatch>();
        try
        {
            using var reader = function.CallTable(input);
            while (reader.MoveNext())
            {
                var b = reader.Current;
                if (b.ColumnCount > 2 && b.Column(2) is StringArray errors)
                    for (int i = 0; i < b.Length; i++)
                        if (errors.IsValid(i)) throw new UdfServerException(StatusCode.Internal, Name, $"row {BoxedValues.Get(b.Column(0), i)}: {errors.GetString(i)}");
                for (int start = 0; start < b.Length; start += MaxTableBatchRows)
                {
                    int n = Math.Min(MaxTableBatchRows, b.Length - start);
                    var slice = b.Slice(start, n);
                    output.Add(new RecordBatch(OutputSchema, [slice.Column(0), slice.Column(1)], n));
                }
            }
        }
        catch (UdfException e)
        {
            throw Failed(e);
        }
        return output;
    }
}

/// <summary>A direct-ABI function (LANGUAGE rust / c, or a plain export): called row by row on one pinned instance.
/// Strict: a NULL argument gives a NULL result without a call.</summary>
internal sealed class DirectScalar(WasqlFunctionInfo info, DirectFunction function)
    : ServedFunction(info,
        function.Signature.Arguments.Select((t, i) => new Field("arg" + i, FlightTypes.Of(t), true)).ToList(),
        new Field(info.Name, FlightTypes.Of(function.Signature.Result), true))
{
    public override IEnumerable<RecordBatch> Evaluate(RecordBatch input)
    {
        int arity = InputSchema.FieldsList.Count;
        var results = new object?[input.Length];
        var args = new object?[arity];
        try
        {
            using var session = function.OpenSession();
            for (int r = 0; r < input.Length; r++)
            {
                for (int c = 0; c < arity; c++) args[c] = BoxedValues.Get(input.Column(c), r);
                results[r] = session.Invoke(args);
            }
        }
        catch (UdfException e)
        {
            throw Failed(e);
        }
        return [new RecordBatch(OutputSchema, [BoxedArrays.Build(Output.DataType, results)], input.Length)];
    }
}
