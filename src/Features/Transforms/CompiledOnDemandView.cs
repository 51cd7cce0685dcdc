using MlOps.Orleans.Features.Definitions;
using NCalc;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Transforms;

/// <summary>
/// An on-demand feature view compiled once and evaluated per row, by the same code for training sets and online requests.
/// <para>
/// Semantics (see docs/feature-repository.md): a null operand makes an operator or function null, except in
/// isnull/ifnull/coalesce/??/concat/if and in three-valued and/or; integer overflow, division or remainder by zero and
/// results that would be NaN or infinite are null; '/' always divides as floats. Evaluation never throws: if anything
/// fails for a row (an input of the wrong CLR type, say) that output is null.
/// </para>
/// Instances are immutable and safe to evaluate from many threads at once.
/// </summary>
public sealed class CompiledOnDemandView
{
    private readonly Evaluator[] _evaluators;
    private readonly ExprType[] _resultTypes;
    private readonly FeatureValueType[] _declared;

    private CompiledOnDemandView(
        OnDemandFeatureViewSpec spec, IReadOnlyList<string> inputNames, IReadOnlyList<TypedNode> nodes)
    {
        Spec = spec;
        InputNames = inputNames;
        Outputs = spec.Outputs.Select(o => o.Field).ToList();
        _evaluators = nodes.Select(n => n.Eval).ToArray();
        _resultTypes = nodes.Select(n => n.Type).ToArray();
        _declared = Outputs.Select(f => f.Type).ToArray();
    }

    public OnDemandFeatureViewSpec Spec { get; }

    /// <summary>The canonical names this view reads, deduplicated and sorted ordinally: the order of Evaluate's inputs.</summary>
    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<FieldSpec> Outputs { get; }

    /// <summary>
    /// Compiles every output of <paramref name="spec"/>. <paramref name="inputTypes"/> is keyed by canonical input name
    /// (<c>view__feature</c> for features of input views; bare names for request fields, whose declared types in the spec win)
    /// and may hold more names than the view uses. Throws <see cref="FeatureDefinitionException"/> with one error per problem.
    /// </summary>
    public static CompiledOnDemandView Compile(
        OnDemandFeatureViewSpec spec, IReadOnlyDictionary<string, FeatureValueType> inputTypes)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(inputTypes);
        var errors = new List<DefinitionError>();
        void Fail(string reason) =>
            errors.Add(new DefinitionError("", DefinitionKind.OnDemandFeatureView, spec.Name, reason));

        CheckOutputs(spec, Fail);
        var resolver = new InputResolver(spec, inputTypes);
        var parsed = new LogicalExpression?[spec.Outputs.Count];
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Outputs.Count; i++)
        {
            var output = spec.Outputs[i];
            try
            {
                parsed[i] = ExpressionCompiler.Parse(output.Expression);
                var names = new List<string>();
                ExpressionCompiler.CollectIdentifiers(parsed[i]!, names);
                foreach (var name in names.Where(n => !resolved.ContainsKey(n)))
                {
                    resolved[name] = resolver.Resolve(name);
                }
            }
            catch (ExpressionException e)
            {
                parsed[i] = null;
                Fail($"output '{output.Field.Name}': {e.Message}");
            }
        }
        if (errors.Count > 0)
        {
            throw new FeatureDefinitionException(errors);
        }

        var inputNames = resolved.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var slots = resolved.ToDictionary(
            p => p.Key,
            p => (Index: inputNames.IndexOf(p.Value), Type: ExprTypes.Of(resolver.TypeOf(p.Value))),
            StringComparer.Ordinal);
        var compiler = new ExpressionCompiler(slots);
        var nodes = new TypedNode[spec.Outputs.Count];
        for (var i = 0; i < spec.Outputs.Count; i++)
        {
            var field = spec.Outputs[i].Field;
            try
            {
                nodes[i] = compiler.Compile(parsed[i]!);
                CheckResultType(nodes[i].Type, field.Type);
            }
            catch (ExpressionException e)
            {
                Fail($"output '{field.Name}': {e.Message}");
            }
        }
        if (errors.Count > 0)
        {
            throw new FeatureDefinitionException(errors);
        }
        var view = new CompiledOnDemandView(spec, inputNames, nodes);
        view.Probe(resolver, Fail);
        return errors.Count > 0 ? throw new FeatureDefinitionException(errors) : view;
    }

    /// <summary>
    /// Computes one row. <paramref name="inputs"/> holds a value (or null) per <see cref="InputNames"/> entry, in that order;
    /// <paramref name="outputs"/> receives one value per <see cref="Outputs"/> entry, null or of the declared type's CLR type.
    /// Only wrongly sized spans throw (a caller bug); failures inside the row give null outputs.
    /// </summary>
    public void Evaluate(ReadOnlySpan<object?> inputs, Span<object?> outputs)
    {
        if (inputs.Length != InputNames.Count)
        {
            throw new ArgumentException($"expected {InputNames.Count} inputs, got {inputs.Length}", nameof(inputs));
        }
        if (outputs.Length < _evaluators.Length)
        {
            throw new ArgumentException($"expected room for {_evaluators.Length} outputs, got {outputs.Length}", nameof(outputs));
        }
        for (var i = 0; i < _evaluators.Length; i++)
        {
            try
            {
                outputs[i] = ValueConversion.ToOutput(_evaluators[i](inputs), _resultTypes[i], _declared[i]);
            }
            catch (Exception)
            {
                // By contract a row never fails as a whole; a value that cannot be computed is missing, like a missing feature.
                outputs[i] = null;
            }
        }
    }

    private static void CheckOutputs(OnDemandFeatureViewSpec spec, Action<string> fail)
    {
        if (spec.Outputs.Count == 0)
        {
            fail("has no outputs");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in spec.Outputs)
        {
            if (!seen.Add(output.Field.Name))
            {
                fail($"output '{output.Field.Name}' is defined twice");
            }
            if (output.Field.Type == FeatureValueType.Unspecified)
            {
                fail($"output '{output.Field.Name}' has no type");
            }
        }
    }

    /// <summary>Whether every value the expression can produce is a value of the declared output type.</summary>
    private static void CheckResultType(ExprType result, FeatureValueType declared)
    {
        if (result == ExprType.Null)
        {
            throw new ExpressionException("the expression is always null");
        }
        var fits = (result, declared) switch
        {
            (ExprType.Int, FeatureValueType.Int32 or FeatureValueType.Int64 or FeatureValueType.Float32 or FeatureValueType.Float64) => true,
            (ExprType.Float, FeatureValueType.Float32 or FeatureValueType.Float64) => true,
            _ when declared != FeatureValueType.Unspecified && result == ExprTypes.Of(declared) => true,
            _ => false,
        };
        if (!fits)
        {
            var hint = result == ExprType.Float && declared is FeatureValueType.Int32 or FeatureValueType.Int64
                ? "; convert with to_int(round(x)) if that is intended"
                : "";
            throw new ExpressionException(
                $"the expression yields {ExprTypes.Name(result)}, which is not a {FeatureTypes.Name(declared)}{hint}");
        }
    }

    /// <summary>
    /// Evaluates every output once on a typed sample row (one non-null value of each input's type): a last check that the
    /// compiled closures run and produce values of the declared types, cheap enough to do on every compile.
    /// </summary>
    private void Probe(InputResolver resolver, Action<string> fail)
    {
        var inputs = InputNames.Select(n => SampleOf(resolver.TypeOf(n))).ToArray();
        var outputs = new object?[Outputs.Count];
        Evaluate(inputs, outputs);
        for (var i = 0; i < outputs.Length; i++)
        {
            if (outputs[i] is { } value && !FeatureTypes.IsValueOf(Outputs[i].Type, value))
            {
                fail($"output '{Outputs[i].Name}': a probe row produced {value.GetType().Name}, not {FeatureTypes.Name(Outputs[i].Type)}");
            }
        }
    }

    private static object SampleOf(FeatureValueType type) => type switch
    {
        FeatureValueType.Int32 => 1,
        FeatureValueType.Int64 => 1L,
        FeatureValueType.Float32 => 1f,
        FeatureValueType.Float64 => 1d,
        FeatureValueType.Bool => true,
        FeatureValueType.String => "a",
        FeatureValueType.Bytes => new byte[] { 1 },
        FeatureValueType.Timestamp => new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        _ => 1L,
    };
}
