using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// Maps an MLflow column signature onto a model's ONNX inputs the way MLflow's own onnx flavor feeds a DataFrame:
/// one column per input when the column names are the input names; otherwise every column, in signature order, cast to
/// the element type of the model's only input, stacked into its second dimension. Registration checks a package with
/// it and serving turns request rows into tensors with it, so both read a table the same way.
/// </summary>
public static class ColumnMapper
{
    /// <summary>The mapping, or why the columns cannot feed the inputs.</summary>
    /// <param name="columns">The signature's columns, in order.</param>
    /// <param name="inputs">The model's inputs, as ONNX Runtime reads them from the graph.</param>
    /// <exception cref="MlopsException">Invalid, field <c>signature</c>: the reason names the column or input at fault.</exception>
    public static ColumnMapping Map(IReadOnlyList<MlflowColumn> columns, IReadOnlyList<TensorSpec> inputs)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(inputs);
        if (columns.Count == 0 || inputs.Count == 0)
        {
            throw Invalid("there must be at least one column and one ONNX input");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < columns.Count; index++)
        {
            CheckColumn(columns[index], index);
            if (!names.Add(columns[index].Name!))
            {
                throw Invalid($"column '{columns[index].Name}' appears twice");
            }
        }

        if (names.SetEquals(inputs.Select(input => input.Name)))
        {
            return new ColumnMapping(false, inputs.Select(input => PerInput(columns.Single(column => column.Name == input.Name), input)).ToArray());
        }

        if (inputs.Count != 1)
        {
            throw Invalid($"the columns ({Names(columns.Select(column => column.Name!))}) are not the model's {inputs.Count} ONNX inputs "
                + $"({Names(inputs.Select(input => input.Name))}) one to one, and only a model with a single input takes all columns stacked");
        }

        return new ColumnMapping(true, [Stacked(columns, inputs[0])]);
    }

    // A request may leave out an optional column, and an ONNX input cannot be left out; unnamed columns cannot be matched.
    private static void CheckColumn(MlflowColumn column, int index)
    {
        if (string.IsNullOrEmpty(column.Name))
        {
            throw Invalid($"column {index} has no name; columns are matched to ONNX inputs by name");
        }

        if (!column.Required)
        {
            throw Invalid($"column '{column.Name}' is optional (required: false), but an ONNX input needs a value in every row");
        }

        if (MlflowTypes.FromColumnType(column.Type) is null)
        {
            throw Invalid($"column '{column.Name}' has type '{column.Type}', which no ONNX tensor holds; the onnx flavor takes {MlflowTypes.ColumnTypeNames}");
        }
    }

    private static ColumnFeed PerInput(MlflowColumn column, TensorSpec input)
    {
        CheckCast(column, input);
        var fits = input.Shape.Count == 1 || (input.Shape.Count == 2 && input.Shape[1] is -1 or 1);
        return fits
            ? new ColumnFeed(input, [column.Name!])
            : throw Invalid($"column '{column.Name}' feeds ONNX input '{input.Name}' of shape {Shape(input.Shape)}; one column fills only [-1] or [-1, 1]");
    }

    private static ColumnFeed Stacked(IReadOnlyList<MlflowColumn> columns, TensorSpec input)
    {
        if (input.Shape.Count != 2 || (input.Shape[1] is not -1 && input.Shape[1] != columns.Count))
        {
            throw Invalid($"the {columns.Count} columns stack into ONNX input '{input.Name}' only if its shape is [-1, {columns.Count}], "
                + $"and it is {Shape(input.Shape)}");
        }

        foreach (var column in columns)
        {
            CheckCast(column, input);
        }

        return new ColumnFeed(input, columns.Select(column => column.Name!).ToArray());
    }

    // numpy's astype would turn text into numbers only by parsing it and numbers into booleans only by != 0; neither is
    // a cast a caller expects, so text feeds only text and only booleans feed booleans.
    private static void CheckCast(MlflowColumn column, TensorSpec input)
    {
        var from = MlflowTypes.FromColumnType(column.Type)!.Value;
        var allowed = input.ElementType switch
        {
            ElementType.String => from == ElementType.String,
            ElementType.Bool => from == ElementType.Bool,
            _ => from != ElementType.String,
        };
        if (!allowed)
        {
            throw Invalid($"column '{column.Name}' ({column.Type}) cannot be cast to ONNX input '{input.Name}' "
                + $"({OnnxElementTypes.Name(input.ElementType)}): text feeds only string inputs, booleans feed bool inputs, "
                + "numbers and booleans feed numeric inputs");
        }
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(name => $"'{name}'"));

    private static string Shape(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";

    private static MlopsException Invalid(string reason) => MlopsException.Invalid("signature", reason);
}
