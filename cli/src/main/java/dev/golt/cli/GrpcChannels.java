// GrpcChannels: the gRPC channel to the etcd v3 API endpoints (--grpc-endpoints), tried in order as
// grpc-java's pick_first tries the addresses a name resolver gives it.
package dev.golt.cli;

import io.grpc.EquivalentAddressGroup;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One channel over every endpoint: it connects to the first that answers and, when that connection
 * breaks, to the next that does. A call made while none is reachable fails at once with UNAVAILABLE.
 */
final class GrpcChannels {

    private static final String SCHEME = "golt-endpoints";
    private static volatile boolean registered;

    private GrpcChannels() {}

    /** {@code spec}: {@code host:port[,host:port...]}, an {@code http://} prefix allowed. */
    static ManagedChannel open(String spec) {
        List<URI> endpoints = Endpoints.parse(spec);
        register();
        StringBuilder target = new StringBuilder(SCHEME).append(":///");
        for (int i = 0; i < endpoints.size(); i++) {
            target.append(i == 0 ? "" : ",").append(endpoints.get(i).getAuthority());
        }
        return NettyChannelBuilder.forTarget(target.toString()).usePlaintext()
                .defaultLoadBalancingPolicy("pick_first").build();
    }

    private static synchronized void register() {
        if (!registered) {
            NameResolverRegistry.getDefaultRegistry().register(new StaticProvider());
            registered = true;
        }
    }

    /** Resolves {@code golt-endpoints:///h1:p1,h2:p2} to those addresses, in that order. */
    private static final class StaticProvider extends NameResolverProvider {
        @Override
        public NameResolver newNameResolver(URI target, NameResolver.Args args) {
            if (!SCHEME.equals(target.getScheme())) {
                return null;
            }
            String list = target.getPath().substring(1);
            List<EquivalentAddressGroup> groups = new ArrayList<>();
            for (URI endpoint : Endpoints.parse(list)) {
                groups.add(new EquivalentAddressGroup(new InetSocketAddress(endpoint.getHost(), endpoint.getPort())));
            }
            String authority = list.split(",")[0];
            return new NameResolver() {
                @Override
                public String getServiceAuthority() {
                    return authority;
                }

                @Override
                public void start(Listener2 listener) {
                    listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
                }

                @Override
                public void shutdown() {}
            };
        }

        @Override
        public String getDefaultScheme() {
            return SCHEME;
        }

        @Override
        protected boolean isAvailable() {
            return true;
        }

        @Override
        protected int priority() {
            return 5;
        }

        @Override
        public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
            return List.of(InetSocketAddress.class);
        }
    }
}
