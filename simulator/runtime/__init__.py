"""The only simpy code: clocks, network, hosts, the Simulation facade and its fault schedule."""
