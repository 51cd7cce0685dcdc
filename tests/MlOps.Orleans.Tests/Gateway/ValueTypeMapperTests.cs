using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Gateway.Features;
using Wire = MlOps.Orleans.Protos.Features.V1;

using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Gateway;

/// <summary>The proto value types and the contract's map onto each other by name, both ways, with nothing left over.</summary>
[Trait("Category", Category.Unit)]
public sealed class ValueTypeMapperTests
{
    [Fact]
    public void Every_contract_type_maps_to_the_proto_type_of_its_name_and_back()
    {
        foreach (var type in Enum.GetValues<FeatureValueType>().Where(t => t != FeatureValueType.Unspecified))
        {
            var wire = ValueTypeMapper.ToProto(type);
            Assert.Equal(type.ToString(), wire.ToString());
            Assert.Equal(type, ValueTypeMapper.FromProto(wire));
        }
    }

    [Fact]
    public void Every_proto_type_but_unspecified_has_a_contract_type()
    {
        foreach (var wire in Enum.GetValues<Wire.ValueType>())
            Assert.Equal(wire == Wire.ValueType.Unspecified, ValueTypeMapper.FromProto(wire) is null);
    }

    [Fact]
    public void A_number_the_build_does_not_know_has_no_contract_type() =>
        Assert.Null(ValueTypeMapper.FromProto((Wire.ValueType)99));
}
