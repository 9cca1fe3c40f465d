// A parsed COPY statement and its options, validated by PostgreSQL's rules. The data formats themselves live in the
// server (they are wire formats); the database runs the rows in and out (CopyFromSink, CopyToSource).
namespace Wasql.Database.Copy;

/// <summary>FROM STDIN (load) or TO STDOUT (export).</summary>
public enum CopyDirection { From, To }

/// <summary>COPY's data formats.</summary>
public enum CopyFormat { Text, Csv, Binary }

/// <summary>A COPY statement: a table (with optional columns) or, for TO, a query.</summary>
public sealed record CopyStatement(CopyDirection Direction, string? Table, IReadOnlyList<string> Columns, string? Query, CopyOptions Options)
{
    /// <summary>How COPY reports the table in error context ("COPY t, line 3").</summary>
    public string Target => Table ?? "(query)";
}

/// <summary>COPY options; unset ones take their format's defaults (PostgreSQL's).</summary>
public sealed class CopyOptions
{
    private bool _formatSet;

    public CopyFormat Format { get; private set; } = CopyFormat.Text;
    public string? Delimiter { get; set; }
    public string? Null { get; set; }
    public bool Header { get; set; }
    public string? Quote { get; set; }
    public string? Escape { get; set; }
    /// <summary>FORCE_QUOTE columns; empty list = every column (*); null = none.</summary>
    public IReadOnlyList<string>? ForceQuote { get; set; }

    /// <summary>The delimiter in effect: tab for text, comma for CSV.</summary>
    public char DelimiterChar => Delimiter is { Length: 1 } d ? d[0] : Format == CopyFormat.Csv ? ',' : '\t';
    /// <summary>The NULL string in effect: \N for text, the empty unquoted string for CSV.</summary>
    public string NullString => Null ?? (Format == CopyFormat.Csv ? "" : "\\N");
    public char QuoteChar => Quote is { Length: 1 } q ? q[0] : '"';
    /// <summary>CSV escape: defaults to the quote character.</summary>
    public char EscapeChar => Escape is { Length: 1 } e ? e[0] : QuoteChar;

    internal void SetFormat(CopyFormat format)
    {
        if (_formatSet && Format != format) throw Conflict("conflicting or redundant options: FORMAT");
        Format = format;
        _formatSet = true;
    }

    /// <summary>PostgreSQL's checks (copy.c, ProcessCopyOptions).</summary>
    internal void Validate(CopyDirection direction)
    {
        bool csv = Format == CopyFormat.Csv, binary = Format == CopyFormat.Binary;
        if (binary && (Delimiter is not null || Null is not null || Header))
            throw Invalid("cannot specify DELIMITER, NULL or HEADER in BINARY mode");
        if (!csv && (Quote is not null || Escape is not null)) throw Invalid("COPY QUOTE and ESCAPE are available only in CSV mode");
        if (!csv && ForceQuote is not null) throw Invalid("COPY FORCE_QUOTE is available only in CSV mode");
        if (ForceQuote is not null && direction == CopyDirection.From) throw Invalid("COPY FORCE_QUOTE cannot be used with COPY FROM");
        if (Delimiter is not null && (Delimiter.Length != 1 || Delimiter[0] > 127))
            throw Invalid("COPY delimiter must be a single one-byte character");
        char d = DelimiterChar;
        if (d is '\r' or '\n') throw Invalid("COPY delimiter cannot be newline or carriage return");
        if (Null is not null && (Null.Contains('\r') || Null.Contains('\n')))
            throw Invalid("COPY null representation cannot use newline or carriage return");
        if (!csv && !binary && ("\\.abcdefghijklmnopqrstuvwxyz0123456789".Contains(char.ToLowerInvariant(d))))
            throw Invalid($"COPY delimiter cannot be \"{d}\"");
        if (csv)
        {
            if (Quote is not null && (Quote.Length != 1 || Quote[0] > 127)) throw Invalid("COPY quote must be a single one-byte character");
            if (Escape is not null && (Escape.Length != 1 || Escape[0] > 127)) throw Invalid("COPY escape must be a single one-byte character");
            if (d == QuoteChar) throw Invalid("COPY delimiter and quote must be different");
            if (NullString.Contains(d)) throw Invalid("COPY delimiter must not appear in the NULL specification");
            if (NullString.Contains(QuoteChar)) throw Invalid("CSV quote character must not appear in the NULL specification");
        }
        else if (!binary && NullString.Contains(d)) throw Invalid("COPY delimiter must not appear in the NULL specification");
    }

    private static WasqlException Invalid(string message) => new(SqlStates.FeatureNotSupported, message);
    private static WasqlException Conflict(string message) => new(SqlStates.SyntaxError, message);
}
