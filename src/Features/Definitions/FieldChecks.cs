using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>Checks shared by every list of typed fields: valid, unique names and a known type.</summary>
internal static class FieldChecks
{
    public static void Check(ValidationContext context, object owner, IReadOnlyList<FieldSpec> fields, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (!DefinitionNames.IsValid(field.Name))
            {
                context.Error(owner, $"{what} '{field.Name}' is not a valid name (letters, digits and '_', not starting with a digit, at most 128)");
            }
            else if (!seen.Add(field.Name))
            {
                context.Error(owner, $"{what} '{field.Name}' appears more than once");
            }
            if (field.Type == FeatureValueType.Unspecified)
            {
                context.Error(owner, $"{what} '{field.Name}' has no type");
            }
        }
    }

    /// <summary>Finds a column by name in a declared schema.</summary>
    public static FieldSpec? Find(IReadOnlyList<FieldSpec> schema, string name) =>
        schema.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
}
