using Orleans.Serialization.TypeSystem;

namespace MlOps.Orleans.Tests.WireFormat;

/// <summary>
/// Renders a type as Orleans writes it on the wire when it needs type information: its [Alias] when it has one, else its
/// full name (with the assembly name for non-framework types, because Orleans writes that too), generic arguments rendered
/// the same way. So moving an aliased type to another namespace changes nothing here, and moving a non-aliased one does.
/// </summary>
internal sealed class WireTypeNames(TypeConverter converter)
{
    public string Of(Type type)
    {
        // A grain method may take a CancellationToken; Orleans does not write it as an argument value but cancels the call
        // with a message of its own, so the type has no wire name (and the converter rightly refuses to give it one).
        if (type == typeof(CancellationToken)) return "CancellationToken (not written: Orleans cancels by a separate message)";
        try
        {
            return converter.Format(type);
        }
        catch (InvalidOperationException)
        {
            // Orleans refuses to format types it would never serialize (it checks an allow-list). Such a type on a contract
            // is a finding in itself, so it is named readably and flagged rather than left out.
            return $"{Readable(type)} (Orleans refuses to write this type)";
        }
    }

    /// <summary>What a grain method returns to its caller: the awaitable shape plus the wire identity of the result.</summary>
    public string OfReturn(Type type)
    {
        if (type == typeof(Task) || type == typeof(ValueTask) || type == typeof(void)) return type.Name;
        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(Task<>) || definition == typeof(ValueTask<>) || definition == typeof(IAsyncEnumerable<>))
            {
                return $"{definition.Name[..definition.Name.IndexOf('`', StringComparison.Ordinal)]}<{Of(type.GetGenericArguments()[0])}>";
            }
        }

        return Of(type);
    }

    /// <summary>Whether the type carries an explicit [Alias] of its own (its wire identity then ignores namespace and assembly).</summary>
    public static string? AliasOf(Type type) =>
        type.GetCustomAttributes(typeof(AliasAttribute), inherit: false) is [AliasAttribute alias, ..] ? alias.Alias : null;

    private static string Readable(Type type)
    {
        if (type.IsArray) return Readable(type.GetElementType()!) + "[]";
        if (!type.IsGenericType) return type.FullName ?? type.Name;
        var definition = type.GetGenericTypeDefinition().FullName!;
        return $"{definition[..definition.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Readable))}>";
    }
}
