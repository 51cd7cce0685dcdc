using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>Checks of one data source: push sources declare a schema, batch sources a safe path, timestamps are timestamps.</summary>
internal static class SourceChecks
{
    public static void Check(ValidationContext context, DataSourceSpec source)
    {
        if (source.IsPush)
        {
            if (source.Schema.Count == 0)
            {
                context.Error(source, "is a push source and needs a schema: pushed rows are checked against it and stored with it");
            }
            if (source.Path.Length > 0)
            {
                context.Error(source, "is a push source and cannot have a path");
            }
        }
        else if (!SourcePaths.TryValidate(source.Path, context.AllowedFileRoots, out var error))
        {
            context.Error(source, error);
        }
        FieldChecks.Check(context, source, source.Schema, "column");
        if (source.TimestampField.Length == 0)
        {
            context.Error(source, "has no timestamp_field");
        }
        else if (!DefinitionNames.IsValid(source.TimestampField))
        {
            context.Error(source, $"timestamp_field '{source.TimestampField}' is not a valid column name");
        }
        CheckTimestampColumn(context, source, source.TimestampField, "timestamp_field");
        if (source.CreatedTimestampField.Length > 0)
        {
            if (source.CreatedTimestampField == source.TimestampField)
            {
                context.Error(source, "created_timestamp_field must differ from timestamp_field");
            }
            CheckTimestampColumn(context, source, source.CreatedTimestampField, "created_timestamp_field");
        }
    }

    private static void CheckTimestampColumn(ValidationContext context, DataSourceSpec source, string column, string what)
    {
        if (source.Schema.Count == 0 || column.Length == 0)
        {
            return;
        }
        var field = FieldChecks.Find(source.Schema, column);
        if (field is null)
        {
            context.Error(source, $"{what} '{column}' is not in its schema");
        }
        else if (field.Type != FeatureValueType.Timestamp)
        {
            context.Error(source, $"{what} '{column}' is {FeatureTypes.Name(field.Type)}, not timestamp");
        }
    }
}
