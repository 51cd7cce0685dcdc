using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Artifacts;

[Trait("Category", Category.Unit)]
public sealed class ArtifactPathTests
{
    [Theory]
    [MemberData(nameof(TraversalCases.Names), MemberType = typeof(TraversalCases))]
    public void Path_that_could_leave_the_root_is_refused_naming_path_and_the_reason(string name)
    {
        var (path, mention) = TraversalCases.All[name];
        var e = Assert.Throws<MlopsException>(() => ArtifactPath.File(path));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Equal("path", e.Field);
        Assert.Contains(mention, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("a/b/c.txt")]
    [InlineData(".hidden")]
    [InlineData("a..b/c...d.txt")]
    [InlineData("50%.txt")]
    // MLflow's log_image names: '%' escapes that decode to nothing a traversal could use stay literal.
    [InlineData("images/dog%step%100%timestamp%100%0f3a.png")]
    [InlineData("a%20b.txt")]
    [InlineData("images/k%step%1%timestamp%1%2e5f0c1d.png")]
    [InlineData("images/k%step%1%timestamp%1%c0ffee.png")]
    [InlineData("na\u00EFve/\u65E5\u672C\u8A9E.txt")]
    [InlineData("plots/loss curve (final).png")]
    [InlineData("metrics/step:10.json")]
    public void Ordinary_relative_path_is_accepted_unchanged(string path) => Assert.Equal(path, ArtifactPath.File(path));

    [Fact]
    public void Path_of_exactly_1024_characters_is_accepted()
    {
        var path = string.Join('/', Enumerable.Repeat(new string('p', 250), 4)) + "/" + new string('q', 1024 - 4 * 251);
        Assert.Equal(1024, path.Length);
        Assert.Equal(path, ArtifactPath.File(path));
    }

    [Fact]
    public void Decomposed_accent_is_refused_because_nfkc_would_change_it() =>
        Assert.Contains("NFKC", Assert.Throws<MlopsException>(() => ArtifactPath.File("cafe\u0301.txt")).Message, StringComparison.Ordinal);

    [Fact]
    public void Unpaired_surrogate_is_refused() =>
        Assert.Contains("surrogate", Assert.Throws<MlopsException>(() => ArtifactPath.File("a\uD800b")).Message, StringComparison.Ordinal);

    [Fact]
    public void Directory_path_may_be_empty_for_the_root_but_not_a_file_path()
    {
        Assert.Equal("", ArtifactPath.Directory(""));
        Assert.Equal("", ArtifactPath.Directory(null));
        Assert.Throws<MlopsException>(() => ArtifactPath.File(null));
        Assert.Throws<MlopsException>(() => ArtifactPath.Directory("a/../.."));
    }

    [Fact]
    public void Store_keys_obey_the_same_rules_and_reserve_a_leading_dot()
    {
        Assert.Equal("1/r/artifacts/a.txt", ArtifactKeys.Validate("1/r/artifacts/a.txt"));
        Assert.Throws<MlopsException>(() => ArtifactKeys.Validate("1/r/artifacts/../../x"));
        Assert.Contains("reserved", Assert.Throws<MlopsException>(() => ArtifactKeys.Validate(".partial/x")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", false)]
    [InlineData("0123456789abcdef", false)]
    [InlineData("../../0123456789abcdef0123456789", false)]
    [InlineData("", false)]
    public void Staging_id_is_32_lowercase_hex(string id, bool accepted)
    {
        if (accepted) Assert.Equal($"staging/{id}", ArtifactKeys.StagingRoot(id));
        else Assert.Equal("staging_id", Assert.Throws<MlopsException>(() => ArtifactKeys.StagingRoot(id)).Field);
    }
}
