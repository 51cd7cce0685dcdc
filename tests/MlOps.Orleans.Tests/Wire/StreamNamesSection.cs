using System.Reflection;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Tests.WireFormat;

/// <summary>
/// Stream provider and namespace names: a StreamId is (namespace, key) and the provider is looked up by name, so producers
/// and subscribers in different processes only meet when these strings agree; PubSubStore names the grain storage holding
/// subscriptions. Every use in src/ (GetStreamProvider, StreamId.Create, LiveStream.OpenAsync, AddMemoryStreams) goes
/// through <see cref="StreamNames"/>.
/// </summary>
internal static class StreamNamesSection
{
    public static void Write(SnapshotWriter writer)
    {
        writer.Section("stream names (StreamNames constant = value)");
        var constants = typeof(StreamNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (f.Name, Value: (string)f.GetRawConstantValue()!))
            .OrderBy(c => c.Name, StringComparer.Ordinal);
        foreach (var (name, value) in constants) writer.Line($"{name} = \"{value}\"");
    }
}
