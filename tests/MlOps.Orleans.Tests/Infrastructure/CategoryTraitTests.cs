using System.Reflection;

namespace MlOps.Orleans.Tests.Infrastructure;

/// <summary>test.sh runs the suite by category; a class without one (or with two) would silently run in the wrong part or twice.</summary>
[Trait("Category", Category.Unit)]
public sealed class CategoryTraitTests
{
    [Fact]
    public void Every_test_class_has_exactly_one_known_category()
    {
        var testClasses = typeof(CategoryTraitTests).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance).Any(m => m.GetCustomAttribute<FactAttribute>() is not null))
            .ToList();
        var wrong = new List<string>();
        foreach (var type in testClasses)
        {
            // On the class or any base class: xunit reads class traits through the whole chain.
            var categories = Chain(type).SelectMany(t => Categories(t.GetCustomAttributesData())).ToList();
            if (categories.Count != 1 || !Category.All.Contains(categories[0]))
                wrong.Add($"{type.FullName}: [{string.Join(", ", categories)}]");
            // A method's own category would give that test two.
            foreach (var method in type.GetMethods().Where(m => Categories(m.GetCustomAttributesData()).Any()))
                wrong.Add($"{type.FullName}.{method.Name}: a category on the method");
        }
        Assert.True(wrong.Count == 0, "test classes need exactly one [Trait(\"Category\", Category.X)]:\n" + string.Join('\n', wrong));
        Assert.True(testClasses.Count > 50, $"only {testClasses.Count} test classes found: the scan is broken");
    }

    private static IEnumerable<string?> Categories(IEnumerable<CustomAttributeData> attributes) => attributes
        .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == "Category")
        .Select(a => (string?)a.ConstructorArguments[1].Value);

    private static IEnumerable<Type> Chain(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType) yield return t;
    }
}
