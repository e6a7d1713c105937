package org.example.notefrees;

import java.util.EnumSet;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.pf4j.Extension;

/** Opts into nothing and is told of every folio freed on its node; counts them. */
@Extension
public final class NoteFrees implements PrivateNodeDriver {
    private DriverContext context;
    private long frees;

    @Override
    public NodeOptIns bind(NodeBinding binding, DriverContext context) {
        this.context = context;
        return new NodeOptIns(EnumSet.noneOf(NpOps.class));
    }

    @Override
    public FreeAction freeFolio(FreeEvent event) {
        frees++;
        context.reportStat("frees", frees);
        return FreeAction.RETURN_TO_BUDDY;
    }
}
