using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Tests.Infrastructure;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Tests.Features.Online.Store;

[Trait("Category", Category.Unit)]
public sealed class EntityKeysTests
{
    [Fact]
    public void Type_tags_keep_equal_looking_values_apart()
    {
        var encodings = new[] { EntityKeys.Encode(1L), EntityKeys.Encode("1"), EntityKeys.Encode(1.0), EntityKeys.Encode(true), EntityKeys.Encode((object?)null) };
        Assert.Equal(encodings.Length, encodings.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("i1", encodings[0]);
    }

    [Fact]
    public void Widening_conversions_encode_equally()
    {
        Assert.Equal(EntityKeys.Encode(42L), EntityKeys.Encode(42));
        Assert.Equal(EntityKeys.Encode(42L), EntityKeys.Encode((short)42));
        Assert.Equal(EntityKeys.Encode((double)0.1f), EntityKeys.Encode(0.1f));
        Assert.NotEqual(EntityKeys.Encode(0.1), EntityKeys.Encode(0.1f));
        var utc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        Assert.Equal(EntityKeys.Encode(utc), EntityKeys.Encode(utc.ToLocalTime()));
        Assert.Equal(EntityKeys.Encode([7L]), EntityKeys.Encode(7));
    }

    [Fact]
    public void Separators_and_escapes_cannot_make_two_keys_collide()
    {
        string[] keys =
        [
            EntityKeys.Encode(["a|b"]), EntityKeys.Encode(["a", "b"]), EntityKeys.Encode(["a\\", "b"]),
            EntityKeys.Encode(["a\\|b"]), EntityKeys.Encode(["a|", "b"]), EntityKeys.Encode(["", "|b"]),
            EntityKeys.Encode([1L, "2"]), EntityKeys.Encode(["1", 2L]), EntityKeys.Encode([null, null]), EntityKeys.Encode([(object?)null]),
        ];
        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(@"sa\|b", keys[0]);
        Assert.Equal("sa|sb", keys[1]);
    }

    [Fact]
    public void Bytes_are_base64url_and_unknown_types_are_refused()
    {
        // "+//8" in plain base64: no character a key or a hash tag treats specially.
        Assert.Equal("x-__8", EntityKeys.Encode(new byte[] { 0xfb, 0xff, 0xfc }));
        Assert.Throws<ArgumentException>(() => EntityKeys.Encode([1L, Guid.Empty]));
        Assert.Throws<ArgumentException>(() => EntityKeys.Encode(Array.Empty<object?>()));
    }
}
