import torch

from ash_lightning.nn.hash_head import HashHead


def test_batch_norm_balances_every_bit_over_the_batch():
    torch.manual_seed(0)
    # Features with a large common component: without batch norm most bits take one sign.
    features = 5.0 + torch.rand(256, 32)
    plain = HashHead(32, bits=16, batch_norm=False)
    balanced = HashHead(32, bits=16, batch_norm=True).train()
    plain_share = (plain(features) > 0).float().mean(dim=0)
    balanced_share = (balanced(features) > 0).float().mean(dim=0)
    assert ((plain_share == 0) | (plain_share == 1)).float().mean() > 0.5
    assert torch.all((balanced_share - 0.5).abs() < 0.15)
    pre_tanh = torch.atanh(balanced(features))
    assert torch.allclose(pre_tanh.mean(dim=0), torch.zeros(16), atol=1e-4)


def test_without_batch_norm_the_parameters_keep_their_saved_names():
    keys = set(HashHead(8, bits=4, hidden_features=16).state_dict())
    assert keys == {"layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"}
    with_norm = set(HashHead(8, bits=4, hidden_features=16, batch_norm=True).state_dict())
    assert {"layers.3.running_mean", "layers.3.running_var"} <= with_norm
