// One gateway (with its silo) serves every test, and Torch shares two cores: run test classes one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
